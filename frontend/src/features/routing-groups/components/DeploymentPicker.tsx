import { useId, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { ProviderBadge, providerName } from '@/components/ProviderBadge';
import type { DeploymentsQuery } from '@/gql/graphql';
import '../routing-groups.css';

export type RegistryDeployment = DeploymentsQuery['deployments'][number];

interface DeploymentPickerProps {
  registry: readonly RegistryDeployment[];
  selectedIds: ReadonlySet<string>;
  loading: boolean;
  onAdd: (deployment: RegistryDeployment) => void;
}

function matches(deployment: RegistryDeployment, query: string): boolean {
  const haystack = [
    deployment.modelId,
    deployment.modelName,
    deployment.publicModelName,
    deployment.provider,
    providerName(deployment.provider),
    deployment.displayName ?? '',
  ]
    .join(' ')
    .toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .every((word) => haystack.includes(word));
}

export function DeploymentPicker({ registry, selectedIds, loading, onAdd }: DeploymentPickerProps) {
  const [query, setQuery] = useState('');
  const searchId = useId();
  const available = useMemo(
    () => registry.filter((d) => !selectedIds.has(d.modelId) && matches(d, query.trim())),
    [registry, selectedIds, query],
  );

  return (
    <div className="deployment-picker">
      <label htmlFor={searchId}>Add deployments</label>
      <input
        id={searchId}
        type="search"
        placeholder="Search by model, provider or id…"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <ul className="picker-results" aria-label="Available deployments">
        {loading && <li className="muted">Loading deployments…</li>}
        {!loading && available.length === 0 && (
          <li className="muted">
            {registry.length === 0 ? (
              <>
                No deployments are registered. <Link to="/deployments">Add a deployment</Link>
              </>
            ) : (
              'No matching deployments.'
            )}
          </li>
        )}
        {available.map((d) => (
          // The whole row adds the deployment; the button is its keyboard and screen-reader control.
          <li key={d.modelId} className="picker-result" onClick={() => onAdd(d)}>
            <div className="picker-result-text">
              <strong>{d.displayName ?? d.publicModelName}</strong> <ProviderBadge provider={d.provider} />
              <div className="muted mono">{d.modelId}</div>
              <div className="muted">{d.modelName}</div>
            </div>
            <button
              type="button"
              className="button button-small"
              aria-label={`Add ${d.modelId}`}
              onClick={(event) => {
                event.stopPropagation();
                onAdd(d);
              }}
            >
              + Add
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
