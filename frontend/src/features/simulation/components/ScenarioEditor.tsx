// The scenario: how much traffic (a closed loop, or a rate over time), on which clock, with
// which seed, and what goes wrong (per deployment failure rate, error kind, latency; incidents
// as time windows). Compact: one row per deployment.
import { ProviderBadge } from '@/components/ProviderBadge';
import type { SimulationClock, TrafficPattern } from '@/gql/graphql';
import type { GroupDeploymentRef } from '@/components/flow/group-deployments';
import { formatCount } from '../utils/format';
import {
  DEFAULT_KNOBS,
  MAX_CONCURRENCY,
  MAX_REQUESTS,
  PATTERNS,
  type FormErrors,
  type SimulatorForm,
} from '../utils/simulation-input';
import { ErrorKindSelect, FieldError, NumberField, NumberInput, PercentInput } from './FormControls';
import { IncidentEditor } from './IncidentEditor';
import '../simulation.css';

const CLOCK_HINT: Record<SimulationClock, string> = {
  VIRTUAL:
    'Virtual clock: latencies, retry backoff, cooldowns and incidents run on simulated time, so minutes of traffic take seconds.',
  WALL: 'Wall clock: the run takes as long as the traffic it simulates.',
};

interface ScenarioEditorProps {
  form: SimulatorForm;
  errors: FormErrors;
  deployments: readonly GroupDeploymentRef[];
  disabled: boolean;
  onChange: (form: SimulatorForm) => void;
}

export function ScenarioEditor({ form, errors, deployments, disabled, onChange }: ScenarioEditorProps) {
  const set = <K extends keyof SimulatorForm>(key: K, value: SimulatorForm[K]) => onChange({ ...form, [key]: value });
  const numberField = (
    key: 'numRequests' | 'concurrency' | 'ratePerSecond' | 'durationSeconds' | 'seed',
    caption: string,
    label: string,
    options: { decimal?: boolean; placeholder?: string } = {},
  ) => (
    <NumberField
      caption={caption}
      label={label}
      value={form[key]}
      error={errors[key]}
      onChange={(value) => set(key, value)}
      {...options}
    />
  );
  const duration = Number(form.durationSeconds);
  const incidentDomain =
    form.mode === 'traffic' && duration > 0
      ? duration
      : Math.max(60, ...form.incidents.map((w) => Number(w.endSeconds) || 0));
  return (
    <fieldset className="sim-scenario" disabled={disabled}>
      <div className="sim-segmented" role="radiogroup" aria-label="Load">
        <label>
          <input type="radio" name="load" checked={form.mode === 'closed'} onChange={() => set('mode', 'closed')} /> Closed
          loop
        </label>
        <label>
          <input type="radio" name="load" checked={form.mode === 'traffic'} onChange={() => set('mode', 'traffic')} />{' '}
          Traffic over time
        </label>
      </div>
      {form.mode === 'closed' ? (
        <div className="sim-form-row">
          {numberField('numRequests', 'Requests', 'Number of requests')}
          {numberField('concurrency', 'Concurrency', 'Concurrency')}
        </div>
      ) : (
        <div className="sim-form-row">
          {numberField('ratePerSecond', 'Rate (req/s)', 'Requests per second', { decimal: true })}
          {numberField('durationSeconds', 'Duration (s)', 'Duration in seconds', { decimal: true })}
          <label className="field">
            <span>Pattern</span>
            <select
              value={form.pattern}
              aria-label="Traffic pattern"
              onChange={(e) => set('pattern', e.target.value as TrafficPattern)}
            >
              {PATTERNS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      <div className="sim-form-row">
        <label className="field">
          <span>Clock</span>
          <select
            value={form.mock ? form.clock : 'WALL'}
            aria-label="Clock"
            disabled={!form.mock}
            onChange={(e) => set('clock', e.target.value as SimulationClock)}
          >
            <option value="VIRTUAL">Virtual</option>
            <option value="WALL">Wall</option>
          </select>
        </label>
        {numberField('seed', 'Seed', 'Seed', { placeholder: 'random' })}
        <label className="inline-check sim-mock-check">
          <input type="checkbox" checked={form.mock} onChange={(e) => set('mock', e.target.checked)} /> Mock responses
        </label>
      </div>
      <p className="hint" data-testid="clock-hint">
        {CLOCK_HINT[form.mock ? form.clock : 'WALL']}{' '}
        {form.mode === 'closed'
          ? `Up to ${formatCount(MAX_REQUESTS)} requests, ${formatCount(MAX_CONCURRENCY)} at a time.`
          : 'Requests start on schedule, however many are in flight.'}{' '}
        The same seed gives the same run.
      </p>
      {!form.mock && (
        <div className="banner banner-warning" role="note">
          Real mode sends every simulated request to the providers: they cost real money (unless the deployments are
          mock ones).
        </div>
      )}

      <h3 className="sim-subhead">Per deployment</h3>
      <table className="sim-knobs" aria-label="Per deployment failures and latency">
        <thead>
          <tr>
            <th>Deployment</th>
            <th>Fail %</th>
            <th>Error</th>
            <th>Latency ms</th>
            <th>± ms</th>
          </tr>
        </thead>
        <tbody>
          {deployments.map((d) => {
            const id = d.deploymentId;
            const knobs = form.knobs[id] ?? DEFAULT_KNOBS;
            const setKnobs = (patch: Partial<typeof knobs>) =>
              set('knobs', { ...form.knobs, [id]: { ...knobs, ...patch } });
            return (
              <tr key={id} data-testid={`knobs-${id}`}>
                <td className="sim-knobs-name" title={id}>
                  {d.deploymentName} <ProviderBadge provider={d.provider} />
                </td>
                <td>
                  <PercentInput
                    value={knobs.failurePercent}
                    label={`Failure rate for ${id}`}
                    onChange={(failurePercent) => setKnobs({ failurePercent })}
                  />
                </td>
                <td>
                  <ErrorKindSelect
                    value={knobs.errorKind}
                    label={`Error kind for ${id}`}
                    onChange={(errorKind) => setKnobs({ errorKind })}
                  />
                </td>
                <td>
                  <NumberInput
                    decimal
                    value={knobs.meanMs}
                    placeholder="—"
                    label={`Latency mean for ${id}`}
                    invalid={Boolean(errors[`${id}.meanMs`])}
                    onChange={(meanMs) => setKnobs({ meanMs })}
                  />
                </td>
                <td>
                  <NumberInput
                    decimal
                    value={knobs.jitterMs}
                    placeholder="0"
                    label={`Latency jitter for ${id}`}
                    invalid={Boolean(errors[`${id}.jitterMs`])}
                    onChange={(jitterMs) => setKnobs({ jitterMs })}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {deployments.map((d) => (
        <FieldError
          key={d.deploymentId}
          message={
            errors[`${d.deploymentId}.meanMs`] || errors[`${d.deploymentId}.jitterMs`]
              ? `${d.deploymentName}: ${errors[`${d.deploymentId}.meanMs`] ?? errors[`${d.deploymentId}.jitterMs`]}`
              : undefined
          }
        />
      ))}

      <h3 className="sim-subhead">Incidents</h3>
      <IncidentEditor
        deployments={deployments}
        incidents={form.incidents}
        domainSeconds={incidentDomain}
        errors={errors}
        disabled={disabled}
        onChange={(incidents) => set('incidents', incidents)}
      />
    </fieldset>
  );
}
