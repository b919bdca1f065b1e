// What-if: the group's routing settings as a draft; Run simulates the saved group and this
// draft side by side on the same seed. Nothing here is saved.
import type { RoutingStrategy } from '@/gql/graphql';
import type { SimulationGroup } from '../types';
import { draftChanges, type DraftErrors, type DraftForm } from '../utils/draft';
import { NumberField, NumberInput } from './FormControls';
import '../simulation.css';
import { STRATEGY_LABELS } from '@/lib/strategy-names';

const STRATEGIES: readonly RoutingStrategy[] = [
  'PRIORITY_FAILOVER',
  'SIMPLE_SHUFFLE',
  'WEIGHTED',
  'LEAST_BUSY',
  'LATENCY_BASED',
  'COST_BASED',
  'USAGE_BASED',
];

interface DraftEditorProps {
  group: SimulationGroup;
  draft: DraftForm;
  errors: DraftErrors;
  disabled: boolean;
  onChange: (draft: DraftForm) => void;
  onClose: () => void;
  title?: string;
  hint?: string;
  closeLabel?: string;
}

export function DraftEditor({
  group,
  draft,
  errors,
  disabled,
  onChange,
  onClose,
  title = 'Compare with a change',
  hint = "A draft of this group's settings, simulated beside the saved group on the same seed. Not saved.",
  closeLabel = 'Close',
}: DraftEditorProps) {
  const set = <K extends keyof DraftForm>(key: K, value: DraftForm[K]) => onChange({ ...draft, [key]: value });
  const changes = draftChanges(group, draft);
  const names = new Map(group.deployments.map((d) => [d.modelId, d.displayName || d.modelName]));
  const setDeployment = (modelId: string, patch: Partial<DraftForm['deployments'][number]>) =>
    set(
      'deployments',
      draft.deployments.map((d) => (d.modelId === modelId ? { ...d, ...patch } : d)),
    );
  const number = (key: 'numRetries' | 'allowedFails' | 'cooldownTimeSeconds' | 'maxFallbacks' | 'timeoutSeconds', label: string) => (
    <NumberField
      caption={label}
      label={`Draft ${label}`}
      decimal
      value={draft[key]}
      invalid={Boolean(errors[`draft.${key}`])}
      error={errors[`draft.${key}`]}
      onChange={(value) => set(key, value)}
    />
  );
  return (
    <section className="panel sim-draft" aria-label="What-if draft" data-testid="draft-editor">
      <div className="sim-draft-head">
        <h3>{title}</h3>
        <button type="button" className="button button-ghost button-small" onClick={onClose} disabled={disabled}>
          {closeLabel}
        </button>
      </div>
      <p className="hint">{hint}</p>
      <fieldset disabled={disabled}>
        <label className="field">
          <span>Strategy</span>
          <select
            value={draft.routingStrategy}
            aria-label="Draft strategy"
            onChange={(e) => set('routingStrategy', e.target.value as RoutingStrategy)}
          >
            {STRATEGIES.map((s) => (
              <option key={s} value={s}>
                {STRATEGY_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        {(draft.routingStrategy === 'PRIORITY_FAILOVER' || draft.routingStrategy === 'WEIGHTED') && (
          <table className="sim-knobs">
            <thead>
              <tr>
                <th>Deployment</th>
                <th>{draft.routingStrategy === 'WEIGHTED' ? 'Weight' : 'Priority'}</th>
              </tr>
            </thead>
            <tbody>
              {draft.deployments.map((d) => {
                const key = draft.routingStrategy === 'WEIGHTED' ? 'weight' : 'priority';
                const error = errors[`draft.${d.modelId}.${key}`];
                return (
                  <tr key={d.modelId}>
                    <td className="sim-knobs-name" title={d.modelId}>
                      {names.get(d.modelId) ?? d.modelId}
                    </td>
                    <td>
                      <NumberInput
                        value={d[key]}
                        label={`Draft ${key} for ${d.modelId}`}
                        invalid={Boolean(error)}
                        title={error}
                        onChange={(value) => setDeployment(d.modelId, { [key]: value })}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <div className="sim-form-row">
          {number('numRetries', 'Retries')}
          {number('allowedFails', 'Allowed fails')}
          {number('cooldownTimeSeconds', 'Cooldown s')}
        </div>
        <div className="sim-form-row">
          {number('maxFallbacks', 'Max fallbacks')}
          {number('timeoutSeconds', 'Timeout s')}
        </div>
      </fieldset>
      <p className="hint" data-testid="draft-changes">
        {changes.length ? `Changes: ${changes.join('; ')}` : 'No change yet: the two runs will match.'}
      </p>
    </section>
  );
}
