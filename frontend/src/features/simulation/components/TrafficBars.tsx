// Per deployment: attempts split into successes and failures, share (against the target share
// for WEIGHTED), latency and cost. The bars are CSS widths on a fixed 0-100% scale, so they
// grow in place instead of jumping with a rescaled axis.
import { ProviderBadge } from '@/components/ProviderBadge';
import type { RoutingStrategy } from '@/gql/graphql';
import type { DeploymentTrafficStats } from '@/components/flow/traffic-counts';
import { formatCount, formatMs, formatUsd } from '../utils/format';
import '../simulation.css';

export interface DeploymentRow extends DeploymentTrafficStats {
  costUsd?: number | null;
  /** WEIGHTED: weight / sum of weights, 0..100. */
  targetPercent?: number | null;
  /** Share of requests whose first attempt went here, 0..100. */
  firstChoicePercent?: number | null;
}

interface TrafficBarsProps {
  strategy: RoutingStrategy;
  distribution: readonly DeploymentRow[];
  /** The other run's rows (what-if), to show differences. */
  other?: readonly DeploymentRow[] | null;
}

export function TrafficBars({ strategy, distribution, other }: TrafficBarsProps) {
  const weighted = strategy === 'WEIGHTED';
  const theirs = new Map((other ?? []).map((d) => [d.deploymentId, d]));
  return (
    <table className="table compact sim-deployments" aria-label="Traffic per deployment">
      <thead>
        <tr>
          <th>Deployment</th>
          <th>Attempts</th>
          <th className="sim-share-col">{weighted ? 'First choice vs target' : 'Share of attempts'}</th>
          <th>Avg latency</th>
          <th>Cost</th>
        </tr>
      </thead>
      <tbody>
        {distribution.map((d) => {
          const okWidth = d.requestCount ? (d.percentOfTotal * d.successCount) / d.requestCount : 0;
          const errWidth = d.percentOfTotal - okWidth;
          const previous = theirs.get(d.deploymentId);
          const delta = previous ? d.requestCount - previous.requestCount : 0;
          return (
            <tr
              key={d.deploymentId}
              data-testid="deployment-row"
              data-deployment-id={d.deploymentId}
              data-requests={d.requestCount}
              data-success={d.successCount}
              data-failure={d.failureCount}
              data-percent={d.percentOfTotal}
              data-avg-latency={d.avgLatencyMs}
              data-primary={d.wasPrimary}
              data-cost={d.costUsd ?? ''}
              data-target={d.targetPercent ?? ''}
              data-first-choice={d.firstChoicePercent ?? ''}
              className={delta ? 'sim-row-changed' : undefined}
            >
              <td>
                {d.deploymentName} <ProviderBadge provider={d.provider} />
                {d.wasPrimary && <span className="badge badge-muted">primary</span>}
              </td>
              <td className="sim-num">
                {formatCount(d.requestCount)}
                <div className="sim-split">
                  <span className="sim-ok">✓ {formatCount(d.successCount)}</span>{' '}
                  <span className="sim-err">✗ {formatCount(d.failureCount)}</span>
                </div>
                {delta !== 0 && (
                  <div className="sim-stat-delta">
                    {delta > 0 ? '+' : '−'}
                    {formatCount(Math.abs(delta))}
                  </div>
                )}
              </td>
              <td className="sim-share-col">
                {weighted && d.targetPercent !== null && d.targetPercent !== undefined ? (
                  <div className="sim-share">
                    <div className="sim-share-track" title={`first choice ${(d.firstChoicePercent ?? 0).toFixed(1)}%`}>
                      <div className="sim-share-ok" style={{ width: `${d.firstChoicePercent ?? 0}%` }} />
                      <div className="sim-share-target" style={{ left: `${d.targetPercent}%` }} title={`target ${d.targetPercent.toFixed(1)}%`} />
                    </div>
                    <span className="sim-share-text">
                      {(d.firstChoicePercent ?? 0).toFixed(1)}% <span className="muted">/ target {d.targetPercent.toFixed(1)}%</span>
                    </span>
                  </div>
                ) : (
                  <div className="sim-share">
                    <div className="sim-share-track">
                      <div className="sim-share-ok" style={{ width: `${okWidth}%` }} />
                      <div className="sim-share-err" style={{ width: `${errWidth}%` }} />
                    </div>
                    <span className="sim-share-text">{d.percentOfTotal.toFixed(1)}%</span>
                  </div>
                )}
              </td>
              <td className="sim-num">{d.requestCount ? formatMs(d.avgLatencyMs) : '—'}</td>
              <td className="sim-num">{d.costUsd === null || d.costUsd === undefined ? '—' : formatUsd(d.costUsd)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
