import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorBanner } from '@/components/ErrorBanner';
import type { RoutingGroupRevisionsQuery, SimulationHistoryQuery } from '@/gql/graphql';
import { RoutingGroupRevisionsQuery as RevisionsDocument, SimulationHistoryQuery as HistoryDocument } from '../api/documents';
import type { SimulationTabProps } from '../types';
import { formatCount, formatPercent } from '../utils/format';
import { groupDeploymentRefs, type GroupDeploymentRef } from '../utils/group-deployments';
import { fieldDiff } from '../utils/json-diff';
import { countsFromSummary } from '../utils/traffic-counts';
import { SimulationResults } from './SimulationResults';
import '../simulation.css';

type SimulationRun = SimulationHistoryQuery['simulations'][number];
type Revision = RoutingGroupRevisionsQuery['routingGroupRevisions'][number];

// Fields every save changes; the header already says who and when.
const NOISE = ['version', 'created_at', 'created_by', 'updated_at', 'updated_by', 'group_id'];

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
    mock?: boolean;
    seed?: number | null;
    failureInjection?: { modelId: string; failureRate: number; errorKind?: string }[];
  };
  const parts: string[] = [];
  if (i.numRequests !== undefined) parts.push(`${formatCount(i.numRequests)} requests`);
  if (i.concurrency !== undefined) parts.push(`concurrency ${i.concurrency}`);
  if (i.mock !== undefined) parts.push(i.mock ? 'mock' : 'real');
  if (i.seed !== undefined && i.seed !== null) parts.push(`seed ${i.seed}`);
  const failing = (i.failureInjection ?? []).map(
    (f) => `${f.modelId} ${Math.round(f.failureRate * 100)}% ${(f.errorKind ?? 'error').toLowerCase().replace(/_/g, ' ')}`,
  );
  if (failing.length) parts.push(`failing: ${failing.join(', ')}`);
  return parts.join(' · ');
}

function SavedRunResults({
  group,
  deployments,
  summary,
}: SimulationTabProps & { deployments: GroupDeploymentRef[]; summary: SimulationRun['summary'] }) {
  const counts = useMemo(() => countsFromSummary(summary), [summary]);
  return (
    <SimulationResults strategy={group.routingStrategy} deployments={deployments} counts={counts} summary={summary} />
  );
}

function SavedSimulations({ group }: SimulationTabProps) {
  const [{ data, fetching, error }] = useQuery({
    query: HistoryDocument,
    variables: { routingGroupId: group.routingGroupId },
  });
  const [open, setOpen] = useState<string | null>(null);
  const deployments = useMemo(() => groupDeploymentRefs(group), [group]);
  const runs: readonly SimulationRun[] = data?.simulations ?? [];

  return (
    <section className="panel" aria-label="Saved simulations">
      <h2>Saved simulations</h2>
      {error && <ErrorBanner>Could not load the simulations: {error.message}</ErrorBanner>}
      {fetching && !data && <p className="muted">Loading…</p>}
      {data && runs.length === 0 && <p className="muted">No simulation has run on this group yet.</p>}
      <ul className="history-list">
        {runs.map((run) => {
          const s = run.summary;
          const expanded = open === run.simulationId;
          return (
            <li key={run.simulationId} data-testid="saved-simulation" data-simulation-id={run.simulationId}>
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
                <span>
                  {formatCount(s.totalRequests)} requests · {formatPercent(s.successfulRequests, s.totalRequests)} ok
                  {s.cancelled && <span className="badge badge-muted">cancelled</span>}
                </span>
              </button>
              {expanded && (
                <div className="history-detail">
                  <SavedRunResults group={group} deployments={deployments} summary={s} />
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function RevisionChanges({ revision }: { revision: Revision }) {
  const changes = fieldDiff(revision.before, revision.after, NOISE);
  if (revision.action === 'create') return <p className="hint">Created.</p>;
  if (revision.action === 'delete') return <p className="hint">Deleted.</p>;
  if (changes.length === 0) return <p className="hint">No field changed.</p>;
  return (
    <ul className="diff" aria-label={`Changes in version ${revision.version}`}>
      {changes.map((c) => (
        <li key={c.path} data-testid="revision-change" data-path={c.path}>
          <span className="mono">{c.path}</span>:{' '}
          {c.before !== undefined && <span className="diff-removed">{c.before}</span>}
          {c.before !== undefined && c.after !== undefined && ' → '}
          {c.after !== undefined && <span className="diff-added">{c.after}</span>}
        </li>
      ))}
    </ul>
  );
}

function Revisions({ group }: SimulationTabProps) {
  const [{ data, fetching, error }] = useQuery({
    query: RevisionsDocument,
    variables: { routingGroupId: group.routingGroupId },
  });
  const revisions: readonly Revision[] = data?.routingGroupRevisions ?? [];
  return (
    <section className="panel" aria-label="Revision history">
      <h2>Changes</h2>
      {error && <ErrorBanner>Could not load the revisions: {error.message}</ErrorBanner>}
      {fetching && !data && <p className="muted">Loading…</p>}
      {data && revisions.length === 0 && <p className="muted">No recorded changes.</p>}
      <ul className="history-list">
        {revisions.map((r) => (
          <li key={r.revisionId} data-testid="revision" className="history-revision">
            <div>
              <strong>v{r.version}</strong> <span className="badge badge-muted">{r.action}</span> by{' '}
              <strong>{r.changedBy}</strong> <span className="muted">{when(r.changedAt)}</span>
            </div>
            <RevisionChanges revision={r} />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function HistoryTab({ group }: SimulationTabProps) {
  return (
    <div className="sim-stack">
      <SavedSimulations group={group} />
      <Revisions group={group} />
    </div>
  );
}
