import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation } from 'urql';
import { CreateDeploymentMutation } from '../api/documents';
import {
  SERVER_FIELDS,
  emptyDeploymentForm,
  toDeploymentInput,
  type DeploymentForm,
  type DeploymentFormErrors,
} from '../utils/deployment-form';

const FIELD_ORDER: (keyof DeploymentForm)[] = [
  'modelId',
  'model',
  'displayName',
  'apiBase',
  'apiKey',
  'rpm',
  'tpm',
  'inputPerMillion',
  'outputPerMillion',
  'mockResponse',
];

interface AddDeploymentFormProps {
  onCreated: (modelId: string) => void;
  onCancel: () => void;
}

export function AddDeploymentForm({ onCreated, onCancel }: AddDeploymentFormProps) {
  const [form, setForm] = useState<DeploymentForm>(emptyDeploymentForm);
  const [errors, setErrors] = useState<DeploymentFormErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [state, createDeployment] = useMutation(CreateDeploymentMutation);
  const formRef = useRef<HTMLFormElement>(null);
  const baseId = useId();

  const set = (key: keyof DeploymentForm, value: string) => {
    setForm((current) => ({ ...current, [key]: value }));
    setErrors((current) => ({ ...current, [key]: undefined }));
  };

  const showErrors = (next: DeploymentFormErrors) => {
    setErrors(next);
    const first = FIELD_ORDER.find((key) => next[key]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const built = toDeploymentInput(form);
    if ('errors' in built) {
      showErrors(built.errors);
      return;
    }
    const response = await createDeployment({ input: built.input });
    const outcome = response.data?.createDeployment;
    if (response.error) setProblem(response.error.message);
    else if (outcome?.__typename === 'Deployment') onCreated(outcome.modelId);
    else if (outcome?.__typename === 'ValidationError') {
      const mapped: DeploymentFormErrors = {};
      for (const fe of outcome.fieldErrors) {
        const key = SERVER_FIELDS[fe.field];
        if (key) mapped[key] = fe.message;
        else setProblem(`${fe.field}: ${fe.message}`);
      }
      if (outcome.fieldErrors.length === 0) setProblem(outcome.message);
      showErrors(mapped);
    } else if (outcome?.__typename === 'ConflictError') showErrors({ modelId: outcome.message });
    else if (outcome) setProblem(outcome.message);
  };

  const field = (key: keyof DeploymentForm, label: string, hint: ReactNode, props: Record<string, unknown> = {}) => {
    const id = `${baseId}-${key}`;
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          name={key}
          value={form[key]}
          autoComplete="off"
          aria-invalid={errors[key] ? true : undefined}
          aria-describedby={`${id}-hint`}
          onChange={(event) => set(key, event.target.value)}
          {...props}
        />
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
        {errors[key] && (
          <p className="field-error" role="alert">
            {errors[key]}
          </p>
        )}
      </div>
    );
  };

  return (
    <form ref={formRef} className="panel" onSubmit={submit} noValidate aria-label="Add deployment">
      <h2>Add a deployment</h2>
      {problem && (
        <div className="banner banner-error" role="alert">
          {problem}
        </div>
      )}
      <div className="form-grid">
        {field('modelId', 'Deployment id', 'Unique; routing groups refer to it.', { placeholder: 'nebius-llama-3.3-70b' })}
        {field('model', 'Model', <>litellm&apos;s <code>provider/model</code>; the provider is read from it.</>, {
          placeholder: 'nebius/meta-llama/Llama-3.3-70B-Instruct',
        })}
        {field('displayName', 'Display name', 'Shown in the builder and in traces.', { placeholder: 'Nebius Llama 3.3 70B' })}
        {field('apiBase', 'API base', 'Leave empty for the provider’s default endpoint.', {
          placeholder: 'https://api.studio.nebius.ai/v1',
        })}
        {field(
          'apiKey',
          'API key',
          <>
            Write-only: it is never shown again. Prefer <code>os.environ/NAME</code> (e.g.{' '}
            <code>os.environ/NEBIUS_API_KEY</code>): only the reference is stored, and the server reads the
            variable when it builds the Router.
          </>,
          { type: 'password', placeholder: 'os.environ/NEBIUS_API_KEY' },
        )}
        {field('rpm', 'RPM limit', 'Requests per minute; empty for none.', { inputMode: 'numeric' })}
        {field('tpm', 'TPM limit', 'Tokens per minute; empty for none.', { inputMode: 'numeric' })}
        {field('inputPerMillion', 'Input price ($ per 1M tokens)', 'Used by cost-based routing.', { inputMode: 'decimal' })}
        {field('outputPerMillion', 'Output price ($ per 1M tokens)', '', { inputMode: 'decimal' })}
        {field(
          'mockResponse',
          'Mock response (optional)',
          'When set, the deployment answers with this text and never calls the provider: for demos and tests.',
        )}
      </div>
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={state.fetching}>
          {state.fetching ? 'Adding…' : 'Add deployment'}
        </button>
      </div>
    </form>
  );
}
