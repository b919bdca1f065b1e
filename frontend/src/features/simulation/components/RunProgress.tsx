// A run's status badge, progress bar and counter (the simulator's and Replay's run bars).
import type { RunState } from '../hooks/use-simulation-run';
import { formatCount } from '../utils/format';
import '../simulation.css';

type DisplayStatus =
  | 'idle'
  | 'running'
  | 'stopping'
  | 'completed'
  | 'stopped'
  | 'cancelled'
  | 'server-stopped'
  | 'interrupted'
  | 'failed';

/** Cancelled without anyone pressing Stop, by a server shutting down (its reason says so, or none). */
export function stoppedByServer(state: RunState): boolean {
  const summary = state.summary;
  if (!summary?.cancelled || state.stopRequested) return false;
  return !summary.stoppedReason || /shutting down/i.test(summary.stoppedReason);
}

function displayStatus(state: RunState): DisplayStatus {
  if (state.status === 'finished') {
    if (stoppedByServer(state)) return 'server-stopped';
    // The run stopped itself (the summary says why) rather than being stopped by the user.
    if (state.summary?.stoppedReason) return 'stopped';
    return state.summary?.cancelled || state.endedWithoutSummary ? 'cancelled' : 'completed';
  }
  if (state.status === 'failed' && state.interrupted) return 'interrupted';
  return state.status;
}

const STATUS_TEXT: Record<DisplayStatus, string> = {
  idle: 'Not started',
  running: 'Running',
  stopping: 'Stopping…',
  completed: 'Completed',
  stopped: 'Stopped early',
  cancelled: 'Cancelled',
  'server-stopped': 'Stopped by the server',
  interrupted: 'Interrupted',
  failed: 'Failed',
};

const MUTED: ReadonlySet<DisplayStatus> = new Set(['cancelled', 'stopped', 'server-stopped', 'interrupted', 'failed']);

export function RunProgress({
  state,
  suffix = '',
  label,
  waiting = false,
}: {
  state: RunState;
  suffix?: string;
  label?: string;
  waiting?: boolean;
}) {
  const status = displayStatus(state);
  const fraction = state.total > 0 ? Math.min(1, state.completed / state.total) : 0;
  // No progress event yet: the server is still handing the run to a worker process (the first
  // run after start-up forks it and imports litellm: seconds, not a hang).
  const starting = state.status === 'running' && state.simulationId === null && !waiting;
  return (
    <div className="sim-progress">
      {label && <span className="sim-progress-label">{label}</span>}
      {starting && (
        <span className="hint sim-starting" role="status" data-testid={`sim-starting${suffix}`}>
          Starting the simulation worker…
        </span>
      )}
      <span
        className={`badge ${MUTED.has(status) ? 'badge-muted' : ''}`}
        data-testid={`sim-status${suffix}`}
        data-status={status}
        title={state.summary?.stoppedReason ?? undefined}
      >
        {waiting ? 'Next' : STATUS_TEXT[status]}
      </span>
      <div
        className="sim-progress-track"
        role="progressbar"
        aria-label={`Simulation progress${label ? ` (${label})` : ''}`}
        aria-valuemin={0}
        aria-valuemax={state.total}
        aria-valuenow={state.completed}
      >
        <div
          className={`sim-progress-fill ${status === 'completed' ? 'done' : ''} ${MUTED.has(status) ? 'cancelled' : ''}`}
          style={{ width: `${(fraction * 100).toFixed(2)}%` }}
        />
      </div>
      <span
        className="sim-counter"
        data-testid={`sim-counter${suffix}`}
        data-completed={state.completed}
        data-total={state.total}
      >
        {formatCount(state.completed)} / {formatCount(state.total)}
      </span>
    </div>
  );
}

