import { useMemo, useState } from 'react';
import { ConfirmDialog } from '@/components/ConfirmDialog';
import { ErrorBanner } from '@/components/ErrorBanner';
import { ProviderBadge } from '@/components/ProviderBadge';
import type { ErrorKind, SimulationInput } from '@/gql/graphql';
import { useSimulationRun, type RunState } from '../hooks/use-simulation-run';
import type { SimulationTabProps } from '../types';
import { formatCount } from '../utils/format';
import {
  DEFAULT_KNOBS,
  ERROR_KINDS,
  MAX_CONCURRENCY,
  MAX_REQUESTS,
  defaultForm,
  toSimulationInput,
  type DeploymentKnobs,
  type FormErrors,
  type SimulatorForm,
} from '../utils/simulation-input';
import { groupDeploymentRefs, type GroupDeploymentRef } from '../utils/group-deployments';
import { SimulationResults } from './SimulationResults';
import '../simulation.css';

type DisplayStatus = 'idle' | 'running' | 'stopping' | 'completed' | 'cancelled' | 'failed';

function displayStatus(state: RunState): DisplayStatus {
  if (state.status === 'finished') {
    return state.summary?.cancelled || state.endedWithoutSummary ? 'cancelled' : 'completed';
  }
  return state.status;
}

const STATUS_TEXT: Record<DisplayStatus, string> = {
  idle: 'Not started',
  running: 'Running',
  stopping: 'Stopping…',
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

function RunProgress({ state }: { state: RunState }) {
  const status = displayStatus(state);
  const fraction = state.total > 0 ? Math.min(1, state.completed / state.total) : 0;
  return (
    <div className="sim-progress">
      <span className={`badge ${status === 'cancelled' || status === 'failed' ? 'badge-muted' : ''}`} data-testid="sim-status" data-status={status}>
        {STATUS_TEXT[status]}
      </span>
      <div
        className="sim-progress-track"
        role="progressbar"
        aria-label="Simulation progress"
        aria-valuemin={0}
        aria-valuemax={state.total}
        aria-valuenow={state.completed}
      >
        <div
          className={`sim-progress-fill ${status === 'completed' ? 'done' : ''} ${status === 'cancelled' ? 'cancelled' : ''}`}
          style={{ width: `${(fraction * 100).toFixed(2)}%` }}
        />
      </div>
      <span className="sim-counter" data-testid="sim-counter" data-completed={state.completed} data-total={state.total}>
        {formatCount(state.completed)} / {formatCount(state.total)}
      </span>
    </div>
  );
}

function FieldError({ message }: { message?: string }) {
  return message ? <div className="field-error">{message}</div> : null;
}

interface KnobsProps {
  deployment: GroupDeploymentRef;
  knobs: DeploymentKnobs;
  errors: FormErrors;
  disabled: boolean;
  onChange: (knobs: DeploymentKnobs) => void;
}

function DeploymentKnobsFields({ deployment, knobs, errors, disabled, onChange }: KnobsProps) {
  const name = deployment.deploymentName;
  const id = deployment.deploymentId;
  return (
    <fieldset className="sim-deployment-controls" disabled={disabled} data-testid={`knobs-${id}`}>
      <legend>
        {name} <ProviderBadge provider={deployment.provider} /> <span className="mono muted">{id}</span>
      </legend>
      <label className="field">
        <span>Failure rate</span>
        <span className="sim-slider">
          <input
            type="range"
            min={0}
            max={100}
            step={1}
            value={knobs.failurePercent}
            aria-label={`Failure rate for ${id}`}
            onChange={(e) => onChange({ ...knobs, failurePercent: Number(e.target.value) })}
          />
          <input
            type="number"
            min={0}
            max={100}
            value={knobs.failurePercent}
            aria-label={`Failure rate percent for ${id}`}
            onChange={(e) =>
              onChange({ ...knobs, failurePercent: Math.max(0, Math.min(100, Number(e.target.value) || 0)) })
            }
          />
          %
        </span>
      </label>
      <label className="field">
        <span>Error kind</span>
        <select
          value={knobs.errorKind}
          aria-label={`Error kind for ${id}`}
          onChange={(e) => onChange({ ...knobs, errorKind: e.target.value as ErrorKind })}
        >
          {ERROR_KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      <div className="sim-form-row">
        <label className="field">
          <span>Latency mean (ms)</span>
          <input
            className="sim-small-input"
            inputMode="decimal"
            value={knobs.meanMs}
            placeholder="none"
            aria-label={`Latency mean for ${id}`}
            onChange={(e) => onChange({ ...knobs, meanMs: e.target.value })}
          />
          <FieldError message={errors[`${id}.meanMs`]} />
        </label>
        <label className="field">
          <span>Jitter (ms)</span>
          <input
            className="sim-small-input"
            inputMode="decimal"
            value={knobs.jitterMs}
            placeholder="0"
            aria-label={`Latency jitter for ${id}`}
            onChange={(e) => onChange({ ...knobs, jitterMs: e.target.value })}
          />
          <FieldError message={errors[`${id}.jitterMs`]} />
        </label>
      </div>
    </fieldset>
  );
}

export function TrafficSimulator({ group }: SimulationTabProps) {
  const deployments = useMemo(() => groupDeploymentRefs(group), [group]);
  const [form, setForm] = useState<SimulatorForm>(() => defaultForm(deployments.map((d) => d.deploymentId)));
  const [errors, setErrors] = useState<FormErrors>({});
  const [confirmReal, setConfirmReal] = useState<SimulationInput | null>(null);
  const { state, start, stop } = useSimulationRun(group.routingGroupId, deployments);
  const busy = state.status === 'running' || state.status === 'stopping';

  const setField = <K extends keyof SimulatorForm>(key: K, value: SimulatorForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const run = () => {
    const result = toSimulationInput(form);
    if (!result.input) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    if (result.input.mock) start(result.input);
    else setConfirmReal(result.input);
  };

  return (
    <div className="sim-columns">
      <section className="panel sim-form" aria-label="Simulation settings">
        <h2>Traffic Simulator</h2>
        <div className="sim-form-row">
          <label className="field">
            <span>Requests</span>
            <input
              inputMode="numeric"
              value={form.numRequests}
              disabled={busy}
              aria-label="Number of requests"
              onChange={(e) => setField('numRequests', e.target.value)}
            />
            <FieldError message={errors.numRequests} />
          </label>
          <label className="field">
            <span>Concurrency</span>
            <input
              inputMode="numeric"
              value={form.concurrency}
              disabled={busy}
              aria-label="Concurrency"
              onChange={(e) => setField('concurrency', e.target.value)}
            />
            <FieldError message={errors.concurrency} />
          </label>
          <label className="field">
            <span>Seed</span>
            <input
              inputMode="numeric"
              value={form.seed}
              placeholder="random"
              disabled={busy}
              aria-label="Seed"
              onChange={(e) => setField('seed', e.target.value)}
            />
            <FieldError message={errors.seed} />
          </label>
        </div>
        <p className="hint">
          Up to {formatCount(MAX_REQUESTS)} requests, {formatCount(MAX_CONCURRENCY)} at a time. The same seed gives the
          same outcomes.
        </p>
        <label className="inline-check">
          <input
            type="checkbox"
            checked={form.mock}
            disabled={busy}
            onChange={(e) => setField('mock', e.target.checked)}
          />{' '}
          Mock responses (no provider is called)
        </label>
        {!form.mock && (
          <div className="banner banner-warning" role="note">
            Real mode sends every simulated request to the providers: {formatCount(Number(form.numRequests) || 0)}{' '}
            requests cost real money (unless the deployments are mock ones).
          </div>
        )}
        <h3>Per deployment</h3>
        {deployments.map((d) => (
          <DeploymentKnobsFields
            key={d.deploymentId}
            deployment={d}
            knobs={form.knobs[d.deploymentId] ?? DEFAULT_KNOBS}
            errors={errors}
            disabled={busy}
            onChange={(knobs) => setField('knobs', { ...form.knobs, [d.deploymentId]: knobs })}
          />
        ))}
        <div className="form-actions">
          <button type="button" className="button button-primary" disabled={busy} onClick={run}>
            Run
          </button>
          <button
            type="button"
            className="button button-danger-outline"
            disabled={state.status !== 'running'}
            onClick={() => void stop()}
          >
            Stop
          </button>
        </div>
      </section>

      <section className="panel" aria-label="Simulation results">
        <RunProgress state={state} />
        {state.error && <ErrorBanner>The simulation failed: {state.error}</ErrorBanner>}
        {state.summary && (
          <p className="hint" data-testid="sim-check" data-mismatches={state.mismatches.length}>
            {state.mismatches.length === 0
              ? "Final numbers are the server's summary; the live counters matched it exactly."
              : `The live counters differed from the server's summary in ${state.mismatches.length} places; showing the summary.`}
          </p>
        )}
        {state.status === 'idle' && (
          <p className="muted">Set the knobs and press Run: the bars and the flow fill in as requests finish.</p>
        )}
        {/* Mounted before the run starts, so pressing Run only updates numbers. */}
        <SimulationResults
          strategy={group.routingStrategy}
          deployments={deployments}
          counts={state.counts}
          recent={state.recent}
          summary={state.summary}
        />
      </section>

      {confirmReal && (
        <ConfirmDialog
          title="Call real providers?"
          confirmLabel="Run against providers"
          danger
          onCancel={() => setConfirmReal(null)}
          onConfirm={() => {
            start(confirmReal);
            setConfirmReal(null);
          }}
        >
          <p>
            {formatCount(confirmReal.numRequests ?? 0)} requests will go to the providers' APIs and be billed, unless the
            deployments use mock responses.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
