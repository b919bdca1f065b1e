import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ConfirmDialog } from '@/components/ConfirmDialog';
import { ErrorBanner } from '@/components/ErrorBanner';
import { formatTime } from '@/components/formatting';
import { LoadError } from '@/components/LoadError';
import { Notice } from '@/components/Notice';
import type { KeysPageQuery as KeysPageData } from '@/gql/graphql';
import { KeysPageQuery, RevokeKeyMutation } from '../api/documents';
import { GenerateKeyForm, type NewKey } from './GenerateKeyForm';
import { NewKeyDialog } from './NewKeyDialog';
import { forgetFreshKey, rememberFreshKey } from '@/lib/fresh-keys';

type KeyRow = KeysPageData['keys'][number];

export function KeysPage() {
  const [result, refetch] = useQuery({ query: KeysPageQuery, requestPolicy: 'cache-and-network' });
  const [revokeState, revokeKey] = useMutation(RevokeKeyMutation);
  const [shown, setShown] = useState<NewKey | null>(null);
  const [pendingRevoke, setPendingRevoke] = useState<KeyRow | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const teams = result.data?.teams ?? [];
  const teamName = (teamId: string | null | undefined) =>
    teamId ? (teams.find((t) => t.teamId === teamId)?.teamAlias ?? teamId) : null;

  const confirmRevoke = async () => {
    if (!pendingRevoke) return;
    const key = pendingRevoke;
    const response = await revokeKey({ keyId: key.keyId });
    const outcome = response.data?.revokeKey;
    setPendingRevoke(null);
    if (response.error) setProblem(response.error.message);
    else if (outcome && outcome.__typename !== 'ApiKey') setProblem(outcome.message);
    else {
      forgetFreshKey(key.keyId);
      setNotice(`Revoked ${key.keyAlias ?? key.keyPrefix}: it is refused from the next request on.`);
    }
    reload();
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>API keys</h1>
          <p className="muted">
            Developers call routing groups with these keys. A key may call a group when the key or its team is
            assigned to the group.
          </p>
        </div>
      </header>
      {notice && <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>}
      {problem && <ErrorBanner>{problem}</ErrorBanner>}
      <GenerateKeyForm
        teams={teams}
        onGenerated={(key) => {
          setProblem(null);
          setNotice(null);
          setShown(key);
          rememberFreshKey({ keyId: key.keyId, key: key.key, label: key.keyAlias || `${key.key.slice(0, 7)}…` });
          reload();
        }}
      />
      {result.error && <LoadError what="keys" error={result.error} onRetry={reload} />}
      {!result.data && result.fetching && <p className="muted">Loading…</p>}
      {result.data && result.data.keys.length === 0 && (
        <div className="empty-state panel">
          <h2>No keys yet</h2>
          <p>Generate one above. Keys belong to a team, which you assign to routing groups.</p>
        </div>
      )}
      {result.data && result.data.keys.length > 0 && (
        <div className="panel table-panel">
          <table className="table responsive-table" aria-label="Keys">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Team</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {result.data.keys.map((key) => (
                <tr key={key.keyId} data-testid={`key-${key.keyAlias ?? key.keyId}`}>
                  <td data-label="Key">
                    <strong>{key.keyAlias ?? 'unnamed key'}</strong>
                    <div className="muted mono">{key.keyPrefix}…</div>
                  </td>
                  <td data-label="Team">
                    {teamName(key.teamId) ?? <span className="muted">no team</span>}
                  </td>
                  <td data-label="Created">{formatTime(key.createdAt)}</td>
                  <td data-label="Status">
                    {key.revoked ? (
                      <span className="badge badge-muted">revoked</span>
                    ) : (
                      <span className="badge badge-ok">active</span>
                    )}
                  </td>
                  <td className="row-buttons">
                    {!key.revoked && (
                      <button
                        type="button"
                        className="button button-small button-danger-outline"
                        onClick={() => setPendingRevoke(key)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shown && <NewKeyDialog generated={shown} teamName={teamName(shown.teamId)} onClose={() => setShown(null)} />}
      {pendingRevoke && (
        <ConfirmDialog
          title={`Revoke ${pendingRevoke.keyAlias ?? pendingRevoke.keyPrefix}?`}
          confirmLabel="Revoke key"
          danger
          busy={revokeState.fetching}
          onConfirm={confirmRevoke}
          onCancel={() => setPendingRevoke(null)}
        >
          <p>
            Every request made with this key is refused (HTTP 401) from now on, on every instance. This cannot be
            undone: generate a new key instead.
          </p>
        </ConfirmDialog>
      )}
      <p className="muted">
        Need a team first? <Link to="/teams">Create one on the Teams page</Link>.
      </p>
    </div>
  );
}
