// History's versions: what each one changed (the server's diff, in words) and "Roll back to this
// version", which saves a new version equal to that one (history keeps both).
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ConfirmDialog } from '@/components/ConfirmDialog';
import { ErrorBanner } from '@/components/ErrorBanner';
import type { RoutingGroupRevisionsQuery } from '@/gql/graphql';
import { RoutingGroupRevisionsQuery as RevisionsDocument } from '../api/documents';
import { HistoryTeamsQuery, RollbackRoutingGroupMutation } from '../api/version-documents';
import type { SimulationTabProps } from '../types';
import { applyOutcome, type ApplyOutcome } from '../utils/apply-change';
import { readableChanges } from '../utils/revision-diff';
import { ConflictNotice } from './ConflictNotice';
import '../history.css';

type Revision = RoutingGroupRevisionsQuery['routingGroupRevisions'][number];

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

function RevisionChanges({ revision, names }: { revision: Revision; names: ReadonlyMap<string, string> }) {
  const changes = readableChanges(revision.diff, revision, names);
  if (revision.action === 'delete') return <p className="hint">Deleted.</p>;
  if (changes.length === 0) return <p className="hint">No setting changed.</p>;
  const list = (
    <ul className="diff" aria-label={`Changes in version ${revision.version}`}>
      {changes.map((c) => (
        <li key={c.path} data-testid="revision-change" data-path={c.path}>
          <span className="diff-label">{c.label}</span>:{' '}
          {c.before !== null && <span className="diff-removed">{c.before}</span>}
          {c.before !== null && c.after !== null && ' → '}
          {c.after !== null && <span className="diff-added">{c.after}</span>}
          {c.before === null && c.after === null && <span className="muted">cleared</span>}
        </li>
      ))}
    </ul>
  );
  if (revision.action !== 'create') return list;
  return (
    <details className="revision-created">
      <summary>Created with {changes.length} settings</summary>
      {list}
    </details>
  );
}

export function Revisions({ group, onReverted }: SimulationTabProps & { onReverted?: () => void }) {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: RevisionsDocument,
    variables: { routingGroupId: group.routingGroupId },
  });
  const [teamsResult] = useQuery({ query: HistoryTeamsQuery });
  const names = useMemo(
    () =>
      new Map([
        ...(teamsResult.data?.teams ?? []).map((t) => [t.teamId, t.teamAlias] as const),
        ...group.deployments.map((d) => [d.modelId, d.displayName || d.modelName] as const),
      ]),
    [teamsResult.data, group.deployments],
  );
  const [rollbackState, rollback] = useMutation(RollbackRoutingGroupMutation);
  const [pending, setPending] = useState<Revision | null>(null);
  const [outcome, setOutcome] = useState<(ApplyOutcome & { toVersion: number }) | null>(null);
  const revisions: readonly Revision[] = data?.routingGroupRevisions ?? [];
  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    onReverted?.();
  };

  const confirm = async () => {
    const revision = pending;
    setPending(null);
    if (!revision) return;
    const response = await rollback({
      id: group.routingGroupId,
      toVersion: revision.version,
      expectedVersion: group.version ?? null,
    });
    const next = applyOutcome(response.data?.rollbackRoutingGroup, response.error?.message);
    setOutcome({ ...next, toVersion: revision.version });
    if (next.kind === 'applied') reload();
  };
  return (
    <section className="panel" aria-label="Revision history">
      <h2>Versions</h2>
      {error && <ErrorBanner>Could not load the versions: {error.message}</ErrorBanner>}
      {fetching && !data && <p className="muted">Loading…</p>}
      {data && revisions.length === 0 && <p className="muted">No recorded changes.</p>}
      {outcome?.kind === 'applied' && (
        <div className="banner banner-success" role="status" data-testid="rollback-saved">
          Rolled back to version {outcome.toVersion}: saved as version {outcome.version}.
        </div>
      )}
      {outcome?.kind === 'conflict' && (
        <ConflictNotice currentVersion={outcome.currentVersion} what="the rollback">
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              setOutcome(null);
              reload();
            }}
          >
            Reload
          </button>
        </ConflictNotice>
      )}
      {outcome?.kind === 'error' && <ErrorBanner>Could not roll back: {outcome.message}</ErrorBanner>}
      <ul className="history-list">
        {revisions.map((r) => (
          <li key={r.revisionId} data-testid="revision" data-version={r.version} className="history-revision">
            <div className="revision-head">
              <span>
                <strong>v{r.version}</strong> <span className="badge badge-muted">{r.action}</span> by{' '}
                <strong>{r.changedBy}</strong> <span className="muted">{when(r.changedAt)}</span>
                {r.version === group.version && <span className="badge revision-current">current</span>}
              </span>
              {r.version !== group.version && r.action !== 'delete' && (
                <button
                  type="button"
                  className="button button-small"
                  disabled={rollbackState.fetching}
                  onClick={() => setPending(r)}
                >
                  Roll back to this version<span className="visually-hidden"> (version {r.version})</span>
                </button>
              )}
            </div>
            <RevisionChanges revision={r} names={names} />
          </li>
        ))}
      </ul>
      {pending && (
        <ConfirmDialog
          title={`Roll back to version ${pending.version}?`}
          confirmLabel={`Roll back to v${pending.version}`}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(null)}
        >
          <p>
            The group gets version {pending.version}&apos;s settings back, saved as version {(group.version ?? 0) + 1};
            the live Router switches at once. Every version stays in this history.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
