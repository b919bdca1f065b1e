import type { ReactNode } from 'react';
import { ProviderBadge, providerName } from '@/components/ProviderBadge';
import { shortModelName } from '@/lib/model-names';
import type { RoutingGroupFieldsFragment } from '@/gql/graphql';
import { sortByPriority } from '../utils/ordering';
import { strategyInfo } from '../utils/strategies';
import { formatPercent, weightPercentages } from '../utils/weights';
import { FlowPreview } from './FlowPreview';
import { StrategyBadge } from './StrategyBadge';
import { UseThisGroup } from './UseThisGroup';
import '../routing-groups.css';

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** `live`: the group's live traffic and health (composed by the app). */
export function GroupOverview({ group, live }: { group: RoutingGroupFieldsFragment; live?: ReactNode }) {
  const deployments = sortByPriority(group.deployments);
  const weighted = group.routingStrategy === 'WEIGHTED';
  const ordered = group.routingStrategy === 'PRIORITY_FAILOVER';
  const shares = weightPercentages(deployments.map((d) => d.weight ?? 0));
  const flow = deployments.map((d) => ({
    modelId: d.modelId,
    label: d.displayName ?? `${providerName(d.provider)} · ${shortModelName(d.modelName)}`,
    provider: providerName(d.provider),
    weight: d.weight ?? 0,
    priority: d.priority ?? undefined,
  }));

  return (
    <div className="overview">
      {live}
      <section className="panel">
        <h2>Flow</h2>
        <p>
          <StrategyBadge strategy={group.routingStrategy} />{' '}
          <span className="muted">{strategyInfo(group.routingStrategy).explanation}</span>
        </p>
        <FlowPreview strategy={group.routingStrategy} deployments={flow} />
      </section>
      <div className="overview-columns">
        <section className="panel">
          <h2>Deployments</h2>
          <table className="table compact">
            <thead>
              <tr>
                {ordered && <th scope="col">Priority</th>}
                <th scope="col">Deployment</th>
                <th scope="col">Provider</th>
                {weighted && <th scope="col">Weight</th>}
              </tr>
            </thead>
            <tbody>
              {deployments.map((d, i) => (
                <tr key={d.modelId}>
                  {ordered && <td>{d.priority ?? i + 1}</td>}
                  <td>
                    <strong>{d.displayName ?? d.modelName}</strong>
                    <div className="muted mono">{d.modelId}</div>
                  </td>
                  <td>
                    <ProviderBadge provider={d.provider} />
                  </td>
                  {weighted && (
                    <td>
                      {d.weight ?? 0} <span className="muted">({formatPercent(shares[i] ?? 0)})</span>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="panel">
          <h2>Settings</h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd>{group.isActive ? 'Active' : 'Inactive'}</dd>
            <dt>Retries</dt>
            <dd>{group.retryConfig.numRetries}</dd>
            <dt>Cooldown</dt>
            <dd>
              after {group.cooldownConfig.allowedFails} fails, for {group.cooldownConfig.cooldownTimeSeconds}s
            </dd>
            <dt>Max fallbacks</dt>
            <dd>{group.settings.maxFallbacks}</dd>
            <dt>Timeout</dt>
            <dd>{group.settings.timeoutSeconds == null ? 'none' : `${group.settings.timeoutSeconds}s`}</dd>
            <dt>Teams</dt>
            <dd>{group.assignedTeamIds.length}</dd>
            <dt>Keys</dt>
            <dd>{group.assignedKeyIds.length}</dd>
            <dt>Version</dt>
            <dd>{group.version}</dd>
            <dt>Created</dt>
            <dd>
              {formatTime(group.createdAt)} by {group.createdBy}
            </dd>
            <dt>Updated</dt>
            <dd>
              {formatTime(group.updatedAt)} by {group.updatedBy}
            </dd>
          </dl>
        </section>
      </div>
      <UseThisGroup group={group} />
    </div>
  );
}
