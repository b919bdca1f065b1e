import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { perMillionTokens } from '@/components/formatting';
import { LoadError } from '@/components/LoadError';
import { Notice } from '@/components/Notice';
import { ProviderBadge } from '@/components/ProviderBadge';
import { DeploymentsPageQuery } from '../api/documents';
import { AddDeploymentForm } from './AddDeploymentForm';

export function DeploymentsPage() {
  const [result, refetch] = useQuery({ query: DeploymentsPageQuery, requestPolicy: 'cache-and-network' });
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const data = result.data;
  const groupsUsing = (modelId: string) =>
    data?.routingGroups.items.filter((g) => g.deployments.some((d) => d.modelId === modelId)) ?? [];

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Deployments</h1>
          <p className="muted">
            The model registry: each deployment is one model at one provider. Routing groups route between them.
          </p>
        </div>
        {!adding && (
          <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
            + Add deployment
          </button>
        )}
      </header>
      {notice && <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>}
      {adding && (
        <AddDeploymentForm
          onCancel={() => setAdding(false)}
          onCreated={(modelId) => {
            setAdding(false);
            setNotice(`Added deployment ${modelId}. It can now be picked in a routing group.`);
            reload();
          }}
        />
      )}
      {result.error && <LoadError what="deployments" error={result.error} onRetry={reload} />}
      {!data && result.fetching && <p className="muted">Loading…</p>}
      {data && data.deployments.length === 0 && (
        <div className="empty-state panel">
          <h2>No deployments yet</h2>
          <p>Add one above, or start the server with a LiteLLM config (<code>--config config.yaml</code>).</p>
        </div>
      )}
      {data && data.deployments.length > 0 && (
        <div className="panel table-panel">
          <table className="table responsive-table" aria-label="Deployments">
            <thead>
              <tr>
                <th scope="col">Deployment</th>
                <th scope="col">Provider</th>
                <th scope="col">Model</th>
                <th scope="col">API base</th>
                <th scope="col">Price in / out (per 1M tokens)</th>
                <th scope="col">RPM / TPM</th>
                <th scope="col">Used by</th>
              </tr>
            </thead>
            <tbody>
              {data.deployments.map((d) => {
                const groups = groupsUsing(d.modelId);
                return (
                  <tr key={d.modelId} data-testid={`deployment-${d.modelId}`}>
                    <td data-label="Deployment">
                      <strong>{d.displayName ?? d.publicModelName}</strong>
                      {d.mock && <span className="badge badge-muted">mock</span>}
                      <div className="muted mono">{d.modelId}</div>
                    </td>
                    <td data-label="Provider">
                      <ProviderBadge provider={d.provider} />
                    </td>
                    <td data-label="Model" className="mono break">
                      {d.modelName}
                    </td>
                    <td data-label="API base" className="mono break">
                      {d.apiBase ?? <span className="muted">provider default</span>}
                    </td>
                    <td data-label="Price in / out">
                      {perMillionTokens(d.inputCostPerToken)} / {perMillionTokens(d.outputCostPerToken)}
                    </td>
                    <td data-label="RPM / TPM">
                      {d.rpm ?? '—'} / {d.tpm ?? '—'}
                    </td>
                    <td data-label="Used by">
                      {groups.length === 0 ? (
                        <span className="muted">no group</span>
                      ) : (
                        <ul className="plain-list">
                          {groups.map((g) => (
                            <li key={g.routingGroupId}>
                              <Link to={`/groups/${encodeURIComponent(g.routingGroupId)}/overview`}>
                                {g.routingGroupName}
                              </Link>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
