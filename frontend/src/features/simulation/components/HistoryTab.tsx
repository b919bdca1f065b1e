import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { ErrorBanner } from '@/components/ErrorBanner';
import type { RoutingStrategy, SimulationHistoryQuery } from '@/gql/graphql';
import { SimulationHistoryQuery as HistoryDocument } from '../api/documents';
import type { SimulationTabProps } from '../types';
import { formatCount, formatPercent } from '../utils/format';
import { groupDeploymentRefs, type GroupDeploymentRef } from '@/components/flow/group-deployments';
import { viewFromSaved } from '../utils/run-view';
import { requestRerun } from '../utils/simulation-input';
import { Revisions } from './Revisions';
import { SimulationResults } from './SimulationResults';
import '../simulation.css';
import '../history.css';

type SimulationRun = SimulationHistoryQuery['simulations'][number];

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** One line about the saved run's input: "500 requests · mock · seed 42 · failing: nebius 50% rate limit". */
export function describeInput(input: unknown): string {
  if (!input || typeof input !== 'object') return '';
  const i = input as {
    numRequests?: number;
    concurrency?: number;
    traffic?: { ratePerSecond: number; durationSeconds: number; pattern?: string } | null;
    incidents?: { modelId: string; startSeconds: number; endSeconds: number }[] | null;
    draft?: { routingStrategy?: string } | null;
    clock?: string | null;
    mock?: boolean;
    seed?: number | null;
    failureInjection?: { modelId: string; failureRate: number; errorKind?: string }[];
  };
  const parts: string[] = [];
  if (i.traffic) {
    parts.push(`${i.traffic.ratePerSecond} req/s for ${i.traffic.durationSeconds} s${i.traffic.pattern && i.traffic.pattern !== 'CONSTANT' ? ` (${i.traffic.pattern.toLowerCase()})` : ''}`);
  } else {
    if (i.numRequests !== undefined) parts.push(`${formatCount(i.numRequests)} requests`);
    if (i.concurrency !== undefined) parts.push(`concurrency ${i.concurrency}`);
  }
  if (i.clock) parts.push(`${i.clock.toLowerCase()} clock`);
  if (i.mock !== undefined) parts.push(i.mock ? 'mock' : 'real');
  if (i.seed !== undefined && i.seed !== null) parts.push(`seed ${i.seed}`);
  const failing = (i.failureInjection ?? []).map(
    (f) => `${f.modelId} ${Math.round(f.failureRate * 100)}% ${(f.errorKind ?? 'error').toLowerCase().replace(/_/g, ' ')}`,
  );
  if (failing.length) parts.push(`failing: ${failing.join(', ')}`);
  const incidents = (i.incidents ?? []).map((w) => `${w.modelId} ${w.startSeconds}–${w.endSeconds} s`);
  if (incidents.length) parts.push(`incidents: ${incidents.join(', ')}`);
  if (i.draft) parts.push(`what-if draft${i.draft.routingStrategy ? ` (${i.draft.routingStrategy})` : ''}`);
  return parts.join(' · ');
}

function SavedRunResults({
  group,
  deployments,
  run,
  other,
}: SimulationTabProps & { deployments: GroupDeploymentRef[]; run: SimulationRun; other?: SimulationRun | null }) {
  const view = useMemo(() => viewFromSaved(run.summary, run.input), [run]);
  const otherView = useMemo(() => (other ? viewFromSaved(other.summary, other.input) : null), [other]);
  const strategy = (run.input as { draft?: { routingStrategy?: RoutingStrategy } } | null)?.draft?.routingStrategy ?? group.routingStrategy;
  return (
    <SimulationResults
      strategy={strategy}
      deployments={deployments}
      view={view}
      other={otherView}
      exportAs={{ routingGroupId: group.routingGroupId, input: run.input, name: `simulation-${group.routingGroupName}-${run.simulationId}` }}
    />
  );
}

function SavedSimulations({ group }: SimulationTabProps) {
  const [{ data, fetching, error }] = useQuery({
    query: HistoryDocument,
    variables: { routingGroupId: group.routingGroupId },
    requestPolicy: 'cache-and-network',
  });
  const navigate = useNavigate();
  const [open, setOpen] = useState<string | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [comparing, setComparing] = useState(false);
  const deployments = useMemo(() => groupDeploymentRefs(group), [group]);
  const runs: readonly SimulationRun[] = data?.simulations ?? [];
  const pair = comparing ? picked.map((id) => runs.find((r) => r.simulationId === id)).filter((r): r is SimulationRun => Boolean(r)) : [];

  const togglePick = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
  const rerun = (run: SimulationRun) => {
    requestRerun(group.routingGroupId, run.input);
    navigate(`/groups/${encodeURIComponent(group.routingGroupId)}/simulator`);
  };

  return (
    <section className="panel" aria-label="Saved simulations">
      <div className="sim-history-head">
        <h2>Saved simulations</h2>
        <button
          type="button"
          className="button button-small"
          disabled={picked.length !== 2}
          onClick={() => setComparing(true)}
          data-testid="compare-saved"
        >
          Compare selected ({picked.length}/2)
        </button>
      </div>
      {error && <ErrorBanner>Could not load the simulations: {error.message}</ErrorBanner>}
      {fetching && !data && <p className="muted">Loading…</p>}
      {data && runs.length === 0 && <p className="muted">No simulation has run on this group yet.</p>}
      {pair.length === 2 && (
        <div className="sim-history-compare" data-testid="saved-compare">
          <div className="sim-history-head">
            <h3>Side by side</h3>
            <button type="button" className="button button-ghost button-small" onClick={() => setComparing(false)}>
              Close comparison
            </button>
          </div>
          <div className="sim-compare">
            {pair.map((run, i) => (
              <div className="panel" key={run.simulationId}>
                <h3 className="sim-results-title">
                  {when(run.createdAt)} <span className="hint">{describeInput(run.input)}</span>
                </h3>
                <SavedRunResults group={group} deployments={deployments} run={run} other={i === 1 ? pair[0] : null} />
              </div>
            ))}
          </div>
        </div>
      )}
      <ul className="history-list">
        {runs.map((run) => {
          const s = run.summary;
          const expanded = open === run.simulationId;
          return (
            <li key={run.simulationId} data-testid="saved-simulation" data-simulation-id={run.simulationId}>
              <div className="sim-history-row">
                <input
                  type="checkbox"
                  checked={picked.includes(run.simulationId)}
                  aria-label={`Pick ${run.simulationId} to compare`}
                  onChange={() => togglePick(run.simulationId)}
                />
                <button
                  type="button"
                  className="history-item"
                  aria-expanded={expanded}
                  onClick={() => setOpen(expanded ? null : run.simulationId)}
                >
                  <span>
                    <strong>{when(run.createdAt)}</strong> <span className="muted">by {run.createdBy}</span>
                    <br />
                    <span className="hint">{describeInput(run.input)}</span>
                  </span>
                  <span data-testid="history-outcome">
                    {formatCount(s.totalRequests)} requests · {formatPercent(s.successfulRequests, s.totalRequests)}{' '}
                    succeeded
                    {s.stoppedReason ? (
                      <>
                        {' '}
                        <span className="badge badge-muted" title={s.stoppedReason} data-testid="history-stopped">
                          stopped early
                        </span>
                      </>
                    ) : (
                      s.cancelled && (
                        <>
                          {' '}
                          <span className="badge badge-muted">cancelled before the end</span>
                        </>
                      )
                    )}
                  </span>
                </button>
                <button type="button" className="button button-small" onClick={() => rerun(run)}>
                  Run again
                </button>
              </div>
              {expanded && (
                <div className="history-detail">
                  <SavedRunResults group={group} deployments={deployments} run={run} />
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function HistoryTab({ group, onReverted }: SimulationTabProps & { onReverted?: () => void }) {
  return (
    <div className="sim-stack">
      <SavedSimulations group={group} />
      <Revisions group={group} onReverted={onReverted} />
    </div>
  );
}
