import { Link } from 'react-router';
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { ConfirmDialog } from '@/components/ConfirmDialog';
import { useMutation, useQuery } from 'urql';
import { ErrorBanner } from '@/components/ErrorBanner';
import { readableError } from '@/components/readable-error';
import { providerName } from '@/components/ProviderBadge';
import { shortModelName } from '@/lib/model-names';
import type { RoutingGroupFieldsFragment } from '@/gql/graphql';
import {
  CreateRoutingGroupMutation,
  DeploymentsQuery,
  KeysQuery,
  TeamsQuery,
  UpdateRoutingGroupMutation,
} from '../api/documents';
import {
  DEFAULT_WEIGHT,
  emptyForm,
  formFromGroup,
  numberFieldErrors,
  tierPriorities,
  toGroupInput,
  type BuilderForm,
} from '../utils/builder-form';
import {
  ADVANCED_FIELD_KEYS,
  hasAnyError,
  mapFieldErrors,
  type FieldErrorMap,
} from '../utils/field-errors';
import { AdvancedSettings } from './AdvancedSettings';
import { ChecklistPicker } from './ChecklistPicker';
import { DeploymentPicker, type RegistryDeployment } from './DeploymentPicker';
import { FieldMessages } from './FieldMessages';
import { FlowPreview } from './FlowPreview';
import { SelectedDeploymentList } from './SelectedDeploymentList';
import { StrategyPicker } from './StrategyPicker';
import { WeightPreview } from './WeightPreview';
import '../routing-groups.css';

interface RoutingGroupBuilderProps {
  /** The saved group when editing; absent when creating. */
  group?: RoutingGroupFieldsFragment;
  onSaved: (group: RoutingGroupFieldsFragment) => void;
  onCancel: () => void;
  /** Fetches the latest saved version after a conflict; the parent re-keys the builder with it. */
  onReload?: () => void;
  /** Told whenever the form starts or stops differing from what was loaded. */
  onDirtyChange?: (dirty: boolean) => void;
}

type SaveProblem =
  | { kind: 'conflict'; message: string; currentVersion: number | null }
  | { kind: 'message'; message: string };

export function RoutingGroupBuilder({ group, onSaved, onCancel, onReload, onDirtyChange }: RoutingGroupBuilderProps) {
  const [initial] = useState<BuilderForm>(() => (group ? formFromGroup(group) : emptyForm()));
  const [form, setForm] = useState<BuilderForm>(initial);
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const [focusRequest, setFocusRequest] = useState(0);
  const [confirmDeactivate, setConfirmDeactivate] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const dirty = useMemo(() => JSON.stringify(form) !== JSON.stringify(initial), [form, initial]);
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);

  // After a failed Save: bring the first marked problem into view and give it focus.
  useEffect(() => {
    if (focusRequest === 0) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .field-error');
    if (!first) return;
    first.scrollIntoView?.({ block: 'center' });
    first.focus({ preventScroll: true });
  }, [focusRequest]);
  const [problem, setProblem] = useState<SaveProblem | null>(null);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [registryResult] = useQuery({ query: DeploymentsQuery });
  const [teamsResult] = useQuery({ query: TeamsQuery });
  const [keysResult] = useQuery({ query: KeysQuery });
  const [createState, createGroup] = useMutation(CreateRoutingGroupMutation);
  const [updateState, updateGroup] = useMutation(UpdateRoutingGroupMutation);
  const saving = createState.fetching || updateState.fetching;
  const nameId = useId();
  const descriptionId = useId();

  const registry = registryResult.data?.deployments ?? [];
  const selectedIds = useMemo(() => new Set(form.deployments.map((d) => d.modelId)), [form.deployments]);
  const flowDeployments = useMemo(() => {
    const priorities = tierPriorities(form.deployments);
    return form.deployments.map((d, i) => ({
      modelId: d.modelId,
      label: d.displayName ?? `${providerName(d.provider)} · ${shortModelName(d.modelName)}`,
      provider: providerName(d.provider),
      weight: d.weight,
      priority: priorities[i],
    }));
  }, [form.deployments]);

  const update = <K extends keyof BuilderForm>(key: K, value: BuilderForm[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    // A message goes as soon as its field is edited: it described the old value.
    setErrors((current) => clearedFor(current, key, form, value));
  };

  const addDeployment = (d: RegistryDeployment) =>
    update('deployments', [
      ...form.deployments,
      {
        modelId: d.modelId,
        modelName: d.modelName,
        provider: d.provider,
        displayName: d.displayName ?? null,
        weight: DEFAULT_WEIGHT,
      },
    ]);

  const showErrors = (map: FieldErrorMap) => {
    setErrors(map);
    if (hasAnyError(map, ADVANCED_FIELD_KEYS)) setAdvancedOpen(true);
    setFocusRequest((n) => n + 1);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const submittedIds = form.deployments.map((d) => d.modelId);
    const local = numberFieldErrors(form);
    if (local.length > 0) {
      showErrors(mapFieldErrors(local, submittedIds));
      return;
    }
    setErrors({});
    const input = toGroupInput(form);
    const result = group
      ? await updateGroup({ id: group.routingGroupId, input, expectedVersion: group.version })
      : await createGroup({ input });
    if (result.error) {
      setProblem({ kind: 'message', message: `Could not save: ${readableError(result.error)}` });
      return;
    }
    const outcome = result.data
      ? 'updateRoutingGroup' in result.data
        ? result.data.updateRoutingGroup
        : result.data.createRoutingGroup
      : null;
    if (!outcome) return;
    switch (outcome.__typename) {
      case 'RoutingGroup':
        onSaved(outcome);
        return;
      case 'ValidationError': {
        const map = mapFieldErrors(outcome.fieldErrors, submittedIds);
        if (outcome.fieldErrors.length === 0) map.form = [outcome.message];
        showErrors(map);
        return;
      }
      case 'ConflictError':
        // A stale version means someone saved in between; otherwise the name is taken.
        if (group && outcome.currentVersion != null && outcome.currentVersion !== group.version) {
          setProblem({ kind: 'conflict', message: outcome.message, currentVersion: outcome.currentVersion });
        } else {
          showErrors({ routingGroupName: [outcome.message] });
        }
        return;
      case 'NotFoundError':
      case 'PermissionDeniedError':
        setProblem({ kind: 'message', message: outcome.message });
        return;
    }
  };

  const errorCount = Object.values(errors).reduce((n, list) => n + (list?.length ?? 0), 0);
  const ordered = form.routingStrategy === 'PRIORITY_FAILOVER';

  return (
    <form ref={formRef} className="builder" onSubmit={submit} noValidate aria-label={group ? 'Edit routing group' : 'Create routing group'}>
      <div className="builder-main">
        {problem?.kind === 'conflict' && (
          <div className="banner banner-warning" role="alert">
            <p>
              <strong>Someone else changed this group</strong> while you were editing it
              {problem.currentVersion != null ? ` (it is now at version ${problem.currentVersion})` : ''}. Saving
              now would overwrite their changes.
            </p>
            {onReload && (
              <button type="button" className="button" onClick={onReload}>
                Reload the latest version
              </button>
            )}
            <span className="muted"> Reloading discards your unsaved edits.</span>
          </div>
        )}
        {problem?.kind === 'message' && <ErrorBanner>{problem.message}</ErrorBanner>}
        {errorCount > 0 && (
          <ErrorBanner>
            Please fix {errorCount === 1 ? 'the problem' : `the ${errorCount} problems`} marked below.
            <FieldMessages messages={errors.form} />
          </ErrorBanner>
        )}

        <section className="panel">
          <h2>Basics</h2>
          <div className="field">
            <label htmlFor={nameId}>Name</label>
            <input
              id={nameId}
              value={form.routingGroupName}
              placeholder="e.g. llama-prod"
              autoComplete="off"
              aria-invalid={errors.routingGroupName ? true : undefined}
              onChange={(event) => update('routingGroupName', event.target.value)}
            />
            <div className="hint">Clients send this as the <code>model</code> of a chat completion.</div>
            <FieldMessages messages={errors.routingGroupName} />
          </div>
          <div className="field">
            <label htmlFor={descriptionId}>Description</label>
            <textarea
              id={descriptionId}
              rows={2}
              value={form.description}
              aria-invalid={errors.description ? true : undefined}
              onChange={(event) => update('description', event.target.value)}
            />
            <FieldMessages messages={errors.description} />
          </div>
          <label className="inline-check">
            <input
              type="checkbox"
              checked={form.isActive}
              onChange={(event) => {
                // Turning a live group off refuses its callers at once: ask first.
                if (!event.target.checked && group?.isActive) setConfirmDeactivate(true);
                else update('isActive', event.target.checked);
              }}
            />
            Active (serves traffic)
          </label>
          {confirmDeactivate && (
            <ConfirmDialog
              title={`Turn ${group?.routingGroupName ?? 'this group'} off?`}
              confirmLabel="Turn off"
              danger
              onConfirm={() => {
                update('isActive', false);
                setConfirmDeactivate(false);
              }}
              onCancel={() => setConfirmDeactivate(false)}
            >
              <p>
                Once saved, every call to this group is refused until it is turned on again. Developers using it will
                see errors.
              </p>
            </ConfirmDialog>
          )}
          <FieldMessages messages={errors.isActive} />
        </section>

        <section className="panel">
          <StrategyPicker value={form.routingStrategy} onChange={(s) => update('routingStrategy', s)} />
          <FieldMessages messages={errors.routingStrategy} />
        </section>

        <section className="panel">
          <h2>Deployments</h2>
          <div className="deployments-columns">
            <DeploymentPicker
              registry={registry}
              selectedIds={selectedIds}
              loading={registryResult.fetching && !registryResult.data}
              onAdd={addDeployment}
            />
            <div className={errors.deployments ? 'has-error' : undefined}>
              <h3>
                Selected deployments{' '}
                <span className="muted">
                  {ordered ? '(drag or use the arrows: the order is the priority)' : '(the router picks among them)'}
                </span>
              </h3>
              <SelectedDeploymentList
                strategy={form.routingStrategy}
                deployments={form.deployments}
                errors={errors}
                onChange={(deployments) => update('deployments', deployments)}
              />
              <FieldMessages messages={errors.deployments} />
            </div>
          </div>
        </section>

        <section className="panel">
          <AdvancedSettings
            form={form}
            errors={errors}
            open={advancedOpen}
            onToggle={setAdvancedOpen}
            onChange={(key, value) => update(key, value)}
          />
        </section>

        <section className="panel">
          <h2>Access</h2>
          <p className="muted">The master key can always use the group. Others need their key or team listed here.</p>
          <div className="access-columns">
            <ChecklistPicker
              legend="Teams"
              options={(teamsResult.data?.teams ?? []).map((t) => ({ id: t.teamId, label: t.teamAlias }))}
              selected={form.assignedTeamIds}
              emptyText={
                teamsResult.error ? (
                  'Teams are not available to this key.'
                ) : (
                  <>
                    No teams yet. <Link to="/teams">Create a team</Link>
                  </>
                )
              }
              messages={errors.assignedTeamIds}
              onChange={(ids) => update('assignedTeamIds', ids)}
            />
            <ChecklistPicker
              legend="Keys"
              options={(keysResult.data?.keys ?? [])
                .filter((k) => !k.revoked || form.assignedKeyIds.includes(k.keyId))
                .map((k) => ({
                  id: k.keyId,
                  label: k.keyAlias ?? `${k.keyPrefix}…`,
                  detail: k.revoked ? 'revoked' : k.keyPrefix,
                }))}
              selected={form.assignedKeyIds}
              emptyText={
                keysResult.error ? (
                  'Keys are not available to this key.'
                ) : (
                  <>
                    No keys yet. <Link to="/keys">Generate a key</Link>
                  </>
                )
              }
              messages={errors.assignedKeyIds}
              onChange={(ids) => update('assignedKeyIds', ids)}
            />
          </div>
        </section>

        <div className="form-actions">
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={saving}>
            {saving ? 'Saving…' : group ? 'Save changes' : 'Create routing group'}
          </button>
        </div>
      </div>

      <aside className="builder-preview" aria-label="Preview">
        <section className="panel">
          <h2>Flow preview</h2>
          <FlowPreview strategy={form.routingStrategy} deployments={flowDeployments} />
          {form.routingStrategy === 'WEIGHTED' && form.deployments.length > 0 && (
            <>
              <h3>Traffic split</h3>
              <WeightPreview deployments={form.deployments} />
            </>
          )}
        </section>
      </aside>
    </form>
  );
}

function clearedFor<K extends keyof BuilderForm>(
  errors: FieldErrorMap,
  key: K,
  before: BuilderForm,
  value: BuilderForm[K],
): FieldErrorMap {
  const next: FieldErrorMap = { ...errors, form: undefined };
  if (key !== 'deployments') {
    delete next[key as keyof FieldErrorMap];
    return next;
  }
  delete next.deployments;
  const after = value as BuilderForm['deployments'];
  for (const old of before.deployments) {
    const now = after.find((d) => d.modelId === old.modelId);
    if (now === old) continue; // untouched row: its messages still apply
    for (const errorKey of Object.keys(next) as (keyof FieldErrorMap)[]) {
      if (errorKey.startsWith(`deployment:${old.modelId}:`)) delete next[errorKey];
    }
  }
  return next;
}
