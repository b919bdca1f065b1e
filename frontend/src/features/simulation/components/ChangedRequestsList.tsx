// The requests the draft sent somewhere else than the saved group did (first 100 by arrival),
// each with both replays' attempts: what the change would have done to these requests.
import { formatCount, formatMs } from '../utils/format';
import type { ChangedSnapshot, CompactAttempt, SideOutcome } from '../utils/changed-requests';
import '../replay.css';

type Names = ReadonlyMap<string, string>;

function kind(errorKind: string | null): string {
  return errorKind ? errorKind.toLowerCase().replace(/_/g, ' ') : 'error';
}

function Attempt({ attempt, names }: { attempt: CompactAttempt; names: Names }) {
  const ok = attempt.status === 'SUCCESS';
  return (
    <li className={ok ? 'sim-ok' : 'sim-err'}>
      {names.get(attempt.deploymentId) ?? attempt.deploymentId} {ok ? 'answered' : kind(attempt.errorKind)} in{' '}
      {formatMs(attempt.latencyMs)}
    </li>
  );
}

function Outcome({ label, outcome, names }: { label: string; outcome: SideOutcome; names: Names }) {
  const final = outcome.finalDeploymentId;
  return (
    <div className="changed-side">
      <div>
        <strong>{label}:</strong>{' '}
        {final ? `ended on ${names.get(final) ?? final}` : <span className="sim-err">failed</span>} ·{' '}
        {formatMs(outcome.latencyMs)}
      </div>
      <ol className="changed-attempts" aria-label={`${label} attempts`}>
        {outcome.attempts.map((a, i) => (
          <Attempt key={i} attempt={a} names={names} />
        ))}
      </ol>
    </div>
  );
}

export function ChangedRequestsList({ snapshot, names, running }: { snapshot: ChangedSnapshot; names: Names; running: boolean }) {
  const { compared, changed, first } = snapshot;
  return (
    <section className="panel changed-requests" aria-label="Requests the draft changed" data-testid="changed-requests" data-changed={changed} data-compared={compared}>
      <h3>Requests whose final deployment changed</h3>
      <p className="hint">
        {compared === 0
          ? running
            ? 'Comparing the two replays as their requests finish…'
            : 'Run a replay to see which requests the draft sends elsewhere.'
          : `${formatCount(changed)} of ${formatCount(compared)} replayed requests end elsewhere with the draft than with the saved group${changed > first.length ? ` (the first ${first.length} listed)` : ''}.`}
      </p>
      {first.length > 0 && (
        <ol className="changed-list">
          {first.map((c) => (
            <li key={c.requestIndex} data-testid="changed-request" data-request-index={c.requestIndex}>
              <div className="changed-head">
                Request {formatCount(c.requestIndex + 1)} <span className="muted">at {(c.startedAtMs / 1000).toFixed(1)} s</span>
              </div>
              <div className="changed-sides">
                <Outcome label="Saved" outcome={c.saved} names={names} />
                <Outcome label="Draft" outcome={c.draft} names={names} />
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
