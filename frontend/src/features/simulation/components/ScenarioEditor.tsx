// The scenario: how much traffic (a closed loop, or a rate over time), on which clock, with
// which seed, and what goes wrong (per deployment failure rate, error kind, latency; incidents
// as time windows). Compact: one row per deployment.
import { ProviderBadge } from '@/components/ProviderBadge';
import type { ErrorKind, SimulationClock, TrafficPattern } from '@/gql/graphql';
import type { GroupDeploymentRef } from '../utils/group-deployments';
import { formatCount } from '../utils/format';
import {
  DEFAULT_KNOBS,
  ERROR_KINDS,
  MAX_CONCURRENCY,
  MAX_REQUESTS,
  PATTERNS,
  type FormErrors,
  type SimulatorForm,
} from '../utils/simulation-input';
import { IncidentEditor } from './IncidentEditor';

function FieldError({ message }: { message?: string }) {
  return message ? <div className="field-error">{message}</div> : null;
}

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
          <label className="field">
            <span>Requests</span>
            <input
              inputMode="numeric"
              value={form.numRequests}
              aria-label="Number of requests"
              onChange={(e) => set('numRequests', e.target.value)}
            />
            <FieldError message={errors.numRequests} />
          </label>
          <label className="field">
            <span>Concurrency</span>
            <input
              inputMode="numeric"
              value={form.concurrency}
              aria-label="Concurrency"
              onChange={(e) => set('concurrency', e.target.value)}
            />
            <FieldError message={errors.concurrency} />
          </label>
        </div>
      ) : (
        <div className="sim-form-row">
          <label className="field">
            <span>Rate (req/s)</span>
            <input
              inputMode="decimal"
              value={form.ratePerSecond}
              aria-label="Requests per second"
              onChange={(e) => set('ratePerSecond', e.target.value)}
            />
            <FieldError message={errors.ratePerSecond} />
          </label>
          <label className="field">
            <span>Duration (s)</span>
            <input
              inputMode="decimal"
              value={form.durationSeconds}
              aria-label="Duration in seconds"
              onChange={(e) => set('durationSeconds', e.target.value)}
            />
            <FieldError message={errors.durationSeconds} />
          </label>
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
        <label className="field">
          <span>Seed</span>
          <input
            inputMode="numeric"
            value={form.seed}
            placeholder="random"
            aria-label="Seed"
            onChange={(e) => set('seed', e.target.value)}
          />
          <FieldError message={errors.seed} />
        </label>
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
                  <input
                    inputMode="numeric"
                    value={knobs.failurePercent}
                    aria-label={`Failure rate for ${id}`}
                    onChange={(e) => setKnobs({ failurePercent: Math.max(0, Math.min(100, Number(e.target.value) || 0)) })}
                  />
                </td>
                <td>
                  <select
                    value={knobs.errorKind}
                    aria-label={`Error kind for ${id}`}
                    onChange={(e) => setKnobs({ errorKind: e.target.value as ErrorKind })}
                  >
                    {ERROR_KINDS.map((k) => (
                      <option key={k.value} value={k.value}>
                        {k.label}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    inputMode="decimal"
                    value={knobs.meanMs}
                    placeholder="—"
                    aria-label={`Latency mean for ${id}`}
                    aria-invalid={Boolean(errors[`${id}.meanMs`])}
                    onChange={(e) => setKnobs({ meanMs: e.target.value })}
                  />
                </td>
                <td>
                  <input
                    inputMode="decimal"
                    value={knobs.jitterMs}
                    placeholder="0"
                    aria-label={`Latency jitter for ${id}`}
                    aria-invalid={Boolean(errors[`${id}.jitterMs`])}
                    onChange={(e) => setKnobs({ jitterMs: e.target.value })}
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
