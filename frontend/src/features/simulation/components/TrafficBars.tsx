import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ProviderBadge } from '@/components/ProviderBadge';
import type { DeploymentTrafficStats } from '../utils/traffic-counts';
import { formatCount, formatMs } from '../utils/format';

interface TrafficBarsProps {
  distribution: readonly DeploymentTrafficStats[];
}

/** Per deployment: attempts split into successes and failures, as bars and as a table. */
export function TrafficBars({ distribution }: TrafficBarsProps) {
  const rows = distribution.map((d) => ({
    name: `${d.deploymentName} (${d.provider})`,
    success: d.successCount,
    failure: d.failureCount,
  }));
  return (
    <div>
      <div className="sim-bars" style={{ height: 48 + 44 * Math.max(1, rows.length) }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart layout="vertical" data={rows} margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
            <CartesianGrid horizontal={false} strokeDasharray="3 3" />
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="name" width={200} tick={{ fontSize: 12 }} />
            <Tooltip />
            <Legend />
            {/* Animating on every frame would lag behind the counters; the bars just grow. */}
            <Bar dataKey="success" name="Success" stackId="attempts" fill="#16a34a" isAnimationActive={false} />
            <Bar dataKey="failure" name="Failure" stackId="attempts" fill="#dc2626" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="table compact" aria-label="Traffic per deployment">
        <thead>
          <tr>
            <th>Deployment</th>
            <th>Attempts</th>
            <th>Success</th>
            <th>Failure</th>
            <th>Share</th>
            <th>Avg latency</th>
          </tr>
        </thead>
        <tbody>
          {distribution.map((d) => (
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
            >
              <td>
                {d.deploymentName} <ProviderBadge provider={d.provider} />
                {d.wasPrimary && <span className="badge badge-muted">primary</span>}
              </td>
              <td>{formatCount(d.requestCount)}</td>
              <td className="sim-ok">{formatCount(d.successCount)}</td>
              <td className="sim-err">{formatCount(d.failureCount)}</td>
              <td>{d.percentOfTotal.toFixed(1)}%</td>
              <td>{d.requestCount ? formatMs(d.avgLatencyMs) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
