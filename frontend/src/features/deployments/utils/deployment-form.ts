import type { DeploymentInput } from '@/gql/graphql';

export interface DeploymentForm {
  modelId: string;
  model: string;
  displayName: string;
  apiBase: string;
  apiKey: string;
  rpm: string;
  tpm: string;
  inputPerMillion: string;
  outputPerMillion: string;
  mockResponse: string;
}

export type DeploymentFormErrors = Partial<Record<keyof DeploymentForm, string>>;

export function emptyDeploymentForm(): DeploymentForm {
  return {
    modelId: '',
    model: '',
    displayName: '',
    apiBase: '',
    apiKey: '',
    rpm: '',
    tpm: '',
    inputPerMillion: '',
    outputPerMillion: '',
    mockResponse: '',
  };
}

/** Server field paths -> form fields (prices are entered per million tokens). */
export const SERVER_FIELDS: Record<string, keyof DeploymentForm> = {
  modelId: 'modelId',
  modelName: 'model',
  displayName: 'displayName',
  apiBase: 'apiBase',
  apiKey: 'apiKey',
  rpm: 'rpm',
  tpm: 'tpm',
  inputCostPerToken: 'inputPerMillion',
  outputCostPerToken: 'outputPerMillion',
};

function optionalNumber(text: string, integer: boolean): number | null | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) return 'invalid';
  return value;
}

/** The input, or the errors that stop the form being sent. */
export function toDeploymentInput(form: DeploymentForm): { input: DeploymentInput } | { errors: DeploymentFormErrors } {
  const errors: DeploymentFormErrors = {};
  if (!form.modelId.trim()) errors.modelId = 'required: a unique id, e.g. nebius-llama-3.3-70b';
  if (!form.model.trim()) errors.model = 'required: provider/model, e.g. nebius/meta-llama/Llama-3.3-70B-Instruct';
  else if (!form.model.includes('/')) errors.model = 'start with the provider, e.g. openai/gpt-4o';
  const rpm = optionalNumber(form.rpm, true);
  const tpm = optionalNumber(form.tpm, true);
  const input = optionalNumber(form.inputPerMillion, false);
  const output = optionalNumber(form.outputPerMillion, false);
  if (rpm === 'invalid') errors.rpm = 'a whole number, 0 or more';
  if (tpm === 'invalid') errors.tpm = 'a whole number, 0 or more';
  if (input === 'invalid') errors.inputPerMillion = 'a number, 0 or more';
  if (output === 'invalid') errors.outputPerMillion = 'a number, 0 or more';
  if (Object.keys(errors).length > 0) return { errors };
  const text = (value: string) => (value.trim() === '' ? null : value.trim());
  const perToken = (value: number | null | 'invalid') => (typeof value === 'number' ? value / 1_000_000 : null);
  return {
    input: {
      modelId: form.modelId.trim(),
      modelName: form.model.trim(),
      displayName: text(form.displayName),
      apiBase: text(form.apiBase),
      apiKey: text(form.apiKey),
      rpm: typeof rpm === 'number' ? rpm : null,
      tpm: typeof tpm === 'number' ? tpm : null,
      inputCostPerToken: perToken(input),
      outputCostPerToken: perToken(output),
      mockResponse: text(form.mockResponse),
    },
  };
}
