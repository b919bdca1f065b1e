import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ConfirmDialog } from '@/components/ConfirmDialog';
import { ErrorBanner } from '@/components/ErrorBanner';
import { formatTime, typedErrorMessage } from '@/components/formatting';
import { LoadError } from '@/components/LoadError';
import { Notice } from '@/components/Notice';
import type { TeamsPageQuery as TeamsPageData } from '@/gql/graphql';
import { CreateTeamMutation, DeleteTeamMutation, TeamsPageQuery, UpdateTeamMutation } from '../api/documents';

type TeamRow = TeamsPageData['teams'][number];
type KeyRow = TeamsPageData['keys'][number];
type GroupRow = TeamsPageData['routingGroups']['items'][number];

export function TeamsPage() {
  const [result, refetch] = useQuery({ query: TeamsPageQuery, requestPolicy: 'cache-and-network' });
  const [, deleteTeam] = useMutation(DeleteTeamMutation);
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [pendingDelete, setPendingDelete] = useState<TeamRow | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const data = result.data;
  const keysOf = (teamId: string): KeyRow[] => data?.keys.filter((k) => k.teamId === teamId) ?? [];
  const groupsOf = (teamId: string): GroupRow[] =>
    data?.routingGroups.items.filter((g) => g.assignedTeamIds.includes(teamId)) ?? [];

  const confirmDelete = async () => {
    if (!pendingDelete) return;
    const team = pendingDelete;
    setPendingDelete(null);
    const response = await deleteTeam({ teamId: team.teamId });
    const outcome = response.data?.deleteTeam;
    if (response.error) setProblem(response.error.message);
    else if (outcome && outcome.__typename !== 'DeleteTeamSuccess') setProblem(outcome.message);
    else {
      const groups = outcome?.updatedRoutingGroupIds.length ?? 0;
      setNotice(
        `Deleted team ${team.teamAlias}` +
          (groups ? `; it was taken off ${groups} routing group${groups === 1 ? '' : 's'}.` : '.'),
      );
    }
    reload();
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Teams</h1>
          <p className="muted">
            A team groups API keys. Assign a team to a routing group and every key of the team may call it.
          </p>
        </div>
      </header>
      {notice && <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>}
      {problem && <ErrorBanner>{problem}</ErrorBanner>}
      <CreateTeamForm
        onCreated={(alias) => {
          setProblem(null);
          setNotice(`Created team ${alias}. Next: generate a key for it on the Keys page.`);
          reload();
        }}
      />
      {result.error && <LoadError what="teams" error={result.error} onRetry={reload} />}
      {!data && result.fetching && <p className="muted">Loading…</p>}
      {data && data.teams.length === 0 && (
        <div className="empty-state panel">
          <h2>No teams yet</h2>
          <p>Create a team above, then give it keys on the <Link to="/keys">Keys</Link> page.</p>
        </div>
      )}
      {data && data.teams.length > 0 && (
        <div className="panel table-panel">
          <table className="table responsive-table" aria-label="Teams">
            <thead>
              <tr>
                <th scope="col">Team</th>
                <th scope="col">Keys</th>
                <th scope="col">Routing groups</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.teams.map((team) => (
                <TeamTableRow
                  key={team.teamId}
                  team={team}
                  keys={keysOf(team.teamId)}
                  groups={groupsOf(team.teamId)}
                  onRenamed={(alias) => {
                    setNotice(`Renamed team to ${alias}.`);
                    reload();
                  }}
                  onDelete={() => setPendingDelete(team)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pendingDelete && (
        <ConfirmDialog
          title={`Delete team ${pendingDelete.teamAlias}?`}
          confirmLabel="Delete team"
          danger
          onConfirm={confirmDelete}
          onCancel={() => setPendingDelete(null)}
        >
          <DeleteConsequences keys={keysOf(pendingDelete.teamId)} groups={groupsOf(pendingDelete.teamId)} />
        </ConfirmDialog>
      )}
    </div>
  );
}

function DeleteConsequences({ keys, groups }: { keys: KeyRow[]; groups: GroupRow[] }) {
  if (keys.length === 0 && groups.length === 0) return <p>The team has no keys and no routing group lists it.</p>;
  return (
    <>
      {keys.length > 0 && (
        <p>
          Its {keys.length} key{keys.length === 1 ? '' : 's'} ({keys.map((k) => k.keyAlias ?? k.keyPrefix).join(', ')}){' '}
          will be deleted and stop working at once.
        </p>
      )}
      {groups.length > 0 && (
        <p>
          It will be taken off {groups.length === 1 ? 'the routing group' : 'the routing groups'}{' '}
          <strong>{groups.map((g) => g.routingGroupName).join(', ')}</strong>.
        </p>
      )}
    </>
  );
}

function CreateTeamForm({ onCreated }: { onCreated: (alias: string) => void }) {
  const [alias, setAlias] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [state, createTeam] = useMutation(CreateTeamMutation);
  const inputId = useId();
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!alias.trim()) {
      setError('Give the team a name.');
      return;
    }
    const response = await createTeam({ input: { teamAlias: alias } });
    const outcome = response.data?.createTeam;
    if (response.error) setError(response.error.message);
    else if (outcome?.__typename === 'Team') {
      setAlias('');
      setError(null);
      onCreated(outcome.teamAlias);
    } else if (outcome) setError(typedErrorMessage(outcome));
  };

  return (
    <form className="panel inline-form" onSubmit={submit} noValidate aria-label="Create team">
      <div className="field">
        <label htmlFor={inputId}>New team</label>
        <input
          id={inputId}
          value={alias}
          placeholder="e.g. search-backend"
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => {
            setAlias(event.target.value);
            setError(null);
          }}
        />
        {error && (
          <p className="field-error" id={errorId} role="alert">
            {error}
          </p>
        )}
      </div>
      <button type="submit" className="button button-primary" disabled={state.fetching}>
        {state.fetching ? 'Creating…' : 'Create team'}
      </button>
    </form>
  );
}

interface TeamTableRowProps {
  team: TeamRow;
  keys: KeyRow[];
  groups: GroupRow[];
  onRenamed: (alias: string) => void;
  onDelete: () => void;
}

function TeamTableRow({ team, keys, groups, onRenamed, onDelete }: TeamTableRowProps) {
  const [editing, setEditing] = useState(false);
  const [alias, setAlias] = useState(team.teamAlias);
  const [error, setError] = useState<string | null>(null);
  const [state, updateTeam] = useMutation(UpdateTeamMutation);
  const inputId = useId();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const response = await updateTeam({ teamId: team.teamId, input: { teamAlias: alias } });
    const outcome = response.data?.updateTeam;
    if (response.error) setError(response.error.message);
    else if (outcome?.__typename === 'Team') {
      setEditing(false);
      setError(null);
      onRenamed(outcome.teamAlias);
    } else if (outcome) setError(typedErrorMessage(outcome));
  };

  return (
    <tr data-testid={`team-${team.teamAlias}`}>
      <td data-label="Team">
        {editing ? (
          <form className="rename-form" onSubmit={save} noValidate>
            <label htmlFor={inputId} className="visually-hidden">
              New name for {team.teamAlias}
            </label>
            <input
              id={inputId}
              value={alias}
              autoFocus
              aria-invalid={error ? true : undefined}
              onChange={(event) => {
                setAlias(event.target.value);
                setError(null);
              }}
            />
            <button type="submit" className="button button-small button-primary" disabled={state.fetching}>
              Save
            </button>
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                setEditing(false);
                setAlias(team.teamAlias);
                setError(null);
              }}
            >
              Cancel
            </button>
            {error && (
              <p className="field-error" role="alert">
                {error}
              </p>
            )}
          </form>
        ) : (
          <strong>{team.teamAlias}</strong>
        )}
        <div className="muted mono">{team.teamId}</div>
      </td>
      <td data-label="Keys">
        {keys.length === 0 ? (
          <Link to="/keys">No keys: generate one</Link>
        ) : (
          <ul className="plain-list">
            {keys.map((k) => (
              <li key={k.keyId}>
                {k.keyAlias ?? 'unnamed'} <span className="muted mono">{k.keyPrefix}…</span>
                {k.revoked && <span className="badge badge-muted">revoked</span>}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label="Routing groups">
        {groups.length === 0 ? (
          <span className="muted">None yet (assign it in a group's Settings)</span>
        ) : (
          <ul className="plain-list">
            {groups.map((g) => (
              <li key={g.routingGroupId}>
                <Link to={`/groups/${encodeURIComponent(g.routingGroupId)}/overview`}>{g.routingGroupName}</Link>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label="Created">{formatTime(team.createdAt)}</td>
      <td className="row-buttons">
        {!editing && (
          <button type="button" className="button button-small" onClick={() => setEditing(true)}>
            Rename
          </button>
        )}
        <button type="button" className="button button-small button-danger-outline" onClick={onDelete}>
          Delete
        </button>
      </td>
    </tr>
  );
}
