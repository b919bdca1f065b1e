import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ConfirmDialog } from '@/components/ConfirmDialog';
import { ErrorBanner } from '@/components/ErrorBanner';
import { LoadError } from '@/components/LoadError';
import { readableError } from '@/components/readable-error';
import { ProviderBadge } from '@/components/ProviderBadge';
import type { RoutingGroupFieldsFragment } from '@/gql/graphql';
import { DeleteRoutingGroupMutation, RoutingGroupListQuery, UpdateRoutingGroupMutation } from '../api/documents';
import { StrategyBadge } from './StrategyBadge';

export const PAGE_SIZE = 20;

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function GroupListPage() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const [result, refetch] = useQuery({
    query: RoutingGroupListQuery,
    variables: { page, size: PAGE_SIZE },
    requestPolicy: 'network-only',
  });
  const [, updateGroup] = useMutation(UpdateRoutingGroupMutation);
  const [deleteState, deleteGroup] = useMutation(DeleteRoutingGroupMutation);
  const [pendingDelete, setPendingDelete] = useState<RoutingGroupFieldsFragment | null>(null);
  const [pendingOff, setPendingOff] = useState<RoutingGroupFieldsFragment | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const toggleActive = async (group: RoutingGroupFieldsFragment) => {
    setNotice(null);
    const response = await updateGroup({
      id: group.routingGroupId,
      input: { isActive: !group.isActive },
      expectedVersion: group.version,
    });
    const outcome = response.data?.updateRoutingGroup;
    if (response.error) setNotice(readableError(response.error));
    else if (outcome && outcome.__typename === 'ConflictError')
      setNotice(`${group.routingGroupName} was changed by someone else; the list now shows the latest version.`);
    else if (outcome && outcome.__typename !== 'RoutingGroup') setNotice(outcome.message);
    reload();
  };

  const confirmDelete = async () => {
    if (!pendingDelete) return;
    const response = await deleteGroup({ id: pendingDelete.routingGroupId });
    const outcome = response.data?.deleteRoutingGroup;
    if (response.error) setNotice(readableError(response.error));
    else if (outcome && outcome.__typename !== 'DeleteSuccess') setNotice(outcome.message);
    setPendingDelete(null);
    reload();
  };

  const list = result.data?.routingGroups;
  const totalPages = list ? Math.max(1, Math.ceil(list.total / list.size)) : 1;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Routing groups</h1>
          <p className="muted">Named routing pipelines: a strategy over ordered deployments, with retries and fallbacks.</p>
        </div>
        <Link className="button button-primary" to="/groups/new">
          + New routing group
        </Link>
      </header>

      {result.error && <LoadError what="routing groups" error={result.error} onRetry={reload} />}
      {notice && <ErrorBanner>{notice}</ErrorBanner>}

      {!list && result.fetching && <p className="muted">Loading…</p>}

      {list && list.total === 0 && (
        <div className="empty-state panel">
          <h2>No routing groups yet</h2>
          <p>
            A routing group sends each request to the right deployment, and fails over when one is down.
            Create your first one to get started.
          </p>
          <Link className="button button-primary" to="/groups/new">
            Create your first routing group
          </Link>
        </div>
      )}

      {list && list.items.length > 0 && (
        <div className="panel table-panel">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Strategy</th>
                <th scope="col">Deployments</th>
                <th scope="col">Active</th>
                <th scope="col">Teams</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((group) => (
                <GroupRow
                  key={group.routingGroupId}
                  group={group}
                  // Turning a live group off refuses its callers at once: ask first.
                  onToggleActive={() => (group.isActive ? setPendingOff(group) : toggleActive(group))}
                  onDelete={() => setPendingDelete(group)}
                />
              ))}
            </tbody>
          </table>
          {totalPages > 1 && (
            <nav className="pagination" aria-label="Pages">
              <button
                type="button"
                className="button button-small"
                disabled={page <= 1}
                onClick={() => setParams({ page: String(page - 1) })}
              >
                ← Previous
              </button>
              <span>
                Page {page} of {totalPages} · {list.total} groups
              </span>
              <button
                type="button"
                className="button button-small"
                disabled={page >= totalPages}
                onClick={() => setParams({ page: String(page + 1) })}
              >
                Next →
              </button>
            </nav>
          )}
        </div>
      )}

      {pendingOff && (
        <ConfirmDialog
          title={`Turn ${pendingOff.routingGroupName} off?`}
          confirmLabel="Turn off"
          danger
          onConfirm={() => {
            const group = pendingOff;
            setPendingOff(null);
            void toggleActive(group);
          }}
          onCancel={() => setPendingOff(null)}
        >
          <p>
            Every call to <code>{pendingOff.routingGroupName}</code> is refused until it is turned on again.
          </p>
        </ConfirmDialog>
      )}
      {pendingDelete && (
        <ConfirmDialog
          title={`Delete ${pendingDelete.routingGroupName}?`}
          confirmLabel="Delete"
          danger
          busy={deleteState.fetching}
          onConfirm={confirmDelete}
          onCancel={() => setPendingDelete(null)}
        >
          <p>
            Clients calling <code>{pendingDelete.routingGroupName}</code> will get an error from then on. This
            cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

interface GroupRowProps {
  group: RoutingGroupFieldsFragment;
  onToggleActive: () => void;
  onDelete: () => void;
}

function GroupRow({ group, onToggleActive, onDelete }: GroupRowProps) {
  const providers = [...new Set(group.deployments.map((d) => d.provider))];
  const base = `/groups/${encodeURIComponent(group.routingGroupId)}`;
  return (
    <tr data-testid={`group-row-${group.routingGroupName}`}>
      <td>
        <Link to={`${base}/overview`} className="group-link">
          {group.routingGroupName}
        </Link>
        {group.description && <div className="muted truncate">{group.description}</div>}
      </td>
      <td>
        <StrategyBadge strategy={group.routingStrategy} />
      </td>
      <td>
        <span className="count">{group.deployments.length}</span>{' '}
        {providers.map((p) => (
          <ProviderBadge key={p} provider={p} />
        ))}
      </td>
      <td>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={group.isActive}
            aria-label={`Active: ${group.routingGroupName}`}
            onChange={onToggleActive}
          />
          <span className="switch-track" aria-hidden="true" />
        </label>
      </td>
      <td>{group.assignedTeamIds.length}</td>
      <td>
        <time dateTime={group.createdAt}>{formatTime(group.createdAt)}</time>
      </td>
      <td className="actions">
        <Link className="button button-small" to={`${base}/settings`} aria-label={`Edit ${group.routingGroupName}`}>
          Edit
        </Link>
        <Link className="button button-small" to={`${base}/tester`} aria-label={`Test ${group.routingGroupName}`}>
          Test
        </Link>
        <button
          type="button"
          className="button button-small button-danger-outline"
          aria-label={`Delete ${group.routingGroupName}`}
          onClick={onDelete}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}
