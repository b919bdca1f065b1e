// Replay's result: the saved group replayed, the draft replayed, and what was recorded, side by
// side. Each column: requests, failures, cost, p50/p95, where the attempts went, and the
// timeline with its cooldown bands (the request log keeps none, and says so).
import type { ReactNode } from 'react';
import type { DeploymentRef } from '@/components/flow/traffic-counts';
import { formatCount, formatMs, formatUsd } from '../utils/format';
import type { ReplayColumnData } from '../utils/replay-view';
import { TimelineChart } from './TimelineChart';
import '../replay.css';

export interface ReplayColumnSpec {
  id: 'saved' | 'draft' | 'recorded';
  title: string;
  data: ReplayColumnData;
  status?: ReactNode;
  footer?: ReactNode;
}

const ms = (v: number | null) => (v === null ? '—' : formatMs(v));

function Numbers({ id, data }: { id: string; data: ReplayColumnData }) {
  const n = data.numbers;
  const rows: [string, string, string, number | null][] = [
    ['requests', 'Requests', formatCount(n.requests), n.requests],
    ['failed', 'Failed', formatCount(n.failed), n.failed],
    ['cost', 'Cost', n.costUsd === null ? '—' : formatUsd(n.costUsd), n.costUsd],
    ['p50', 'p50', ms(n.p50), n.p50],
    ['p95', 'p95', ms(n.p95), n.p95],
  ];
  if (id !== 'recorded') {
    rows.push([
      'same',
      'Same final deployment as recorded',
      n.sameAsRecorded === null ? '—' : `${(100 * n.sameAsRecorded).toFixed(1)}%`,
      n.sameAsRecorded,
    ]);
  }
  return (
    <dl className="replay-numbers">
      {rows.map(([key, label, text, value]) => (
        <div key={key} data-testid={`replay-${id}-${key}`} data-value={value ?? ''}>
          <dt>{label}</dt>
          <dd>{text}</dd>
        </div>
      ))}
    </dl>
  );
}

function Distribution({ data, title }: { data: ReplayColumnData; title: string }) {
  return (
    <table className="table compact replay-distribution" aria-label={`Attempts per deployment: ${title}`}>
      <thead>
        <tr>
          <th>Deployment</th>
          <th>Attempts</th>
          <th>Share</th>
        </tr>
      </thead>
      <tbody>
        {data.rows.map((r) => (
          <tr key={r.deploymentId} data-testid="replay-distribution-row" data-deployment-id={r.deploymentId} data-assumed={r.assumed}>
            <td>
              {r.name}
              {r.assumed && (
                <>
                  {' '}
                  <span className="badge replay-assumed" data-testid="replay-assumed-badge">
                    assumed
                  </span>
                </>
              )}
            </td>
            <td>
              {formatCount(r.attempts)}
              {r.failures > 0 && <span className="sim-err"> ({formatCount(r.failures)} failed)</span>}
            </td>
            <td>{r.percent.toFixed(1)}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReplayColumns({ columns, deployments }: { columns: readonly ReplayColumnSpec[]; deployments: readonly DeploymentRef[] }) {
  return (
    <div className="replay-columns" data-testid="replay-columns">
      {columns.map((c) => (
        <section key={c.id} className="panel replay-column" aria-label={c.title} data-testid={`replay-column-${c.id}`}>
          <h3 className="sim-results-title">{c.title}</h3>
          {c.status}
          <Numbers id={c.id} data={c.data} />
          <Distribution data={c.data} title={c.title} />
          <TimelineChart buckets={c.data.buckets} deployments={deployments} cooldowns={c.data.cooldowns} height={140} />
          {c.data.cooldowns === null && <p className="hint">The request log keeps no cooldown bands.</p>}
          {c.footer}
        </section>
      ))}
    </div>
  );
}
