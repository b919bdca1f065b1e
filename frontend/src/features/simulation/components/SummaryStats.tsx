import type { RunView } from '../utils/run-view';
import { formatCount, formatMs, formatPercent, formatSeconds, formatUsd } from '../utils/format';
import '../simulation.css';

interface Stat {
  id: string;
  label: string;
  text: string;
  value: number | null;
  /** This run minus the other one, when comparing. */
  delta?: number | null;
  deltaText?: string;
  /** Lower is better (latency, failures, cost): colours the difference. */
  lowerIsBetter?: boolean;
  /** A line under the value: where it came from. */
  note?: string;
}

function Stat({ id, label, text, value, delta, deltaText, lowerIsBetter, note }: Stat) {
  const changed = delta !== undefined && delta !== null && Math.abs(delta) > 1e-9;
  const better = changed && (lowerIsBetter ? (delta as number) < 0 : (delta as number) > 0);
  return (
    <div className={`sim-stat${changed ? ' sim-stat-changed' : ''}`} data-testid={`stat-${id}`} data-value={value ?? ''}>
      <div className="sim-stat-label">{label}</div>
      <div className="sim-stat-value">{text}</div>
      {note && (
        <div className="sim-stat-note" data-testid={`note-${id}`}>
          {note}
        </div>
      )}
      {changed && (
        <div className={`sim-stat-delta ${better ? 'sim-ok' : 'sim-err'}`} data-testid={`delta-${id}`}>
          {(delta as number) > 0 ? '+' : '−'}
          {deltaText}
        </div>
      )}
    </div>
  );
}

interface Numbers {
  total: number;
  ok: number;
  failed: number;
  rate: number | null;
  avg: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  cost: number | null;
}

function numbers(view: RunView): Numbers {
  const { counts, summary, latency } = view;
  const total = summary?.totalRequests ?? counts.totalRequests;
  const ok = summary?.successfulRequests ?? counts.successfulRequests;
  const failed = summary?.failedRequests ?? counts.totalRequests - counts.successfulRequests;
  return {
    total,
    ok,
    failed,
    rate: total ? ok / total : null,
    avg: summary?.avgLatencyMs ?? (counts.totalRequests ? counts.latencySumMs / counts.totalRequests : null),
    p50: summary?.p50LatencyMs ?? latency?.p50 ?? null,
    p95: summary?.p95LatencyMs ?? latency?.p95 ?? null,
    p99: summary?.p99LatencyMs ?? latency?.p99 ?? null,
    cost: summary?.totalCostUsd ?? null,
  };
}

/** Where the run's gateway overhead came from, as the summary says. */
function overheadNote(source: string, samples: number): string {
  if (source === 'RECORDED') return `median of ${formatCount(samples)} recorded attempt${samples === 1 ? '' : 's'}`;
  if (source === 'DEFAULT') return 'none recorded';
  return 'as given';
}

const diff = (a: number | null, b: number | null | undefined) => (a === null || b === null || b === undefined ? null : a - b);

/** Live numbers from the counters; once the summary is in, exactly the summary's numbers. */
export function SummaryStats({ view, other }: { view: RunView; other?: RunView | null }) {
  const n = numbers(view);
  const o = other ? numbers(other) : null;
  const ms = (v: number | null) => (v === null ? '—' : formatMs(v));
  const summary = view.summary;
  const change = (a: number | null, b: number | null | undefined, format: (v: number) => string) => {
    const delta = diff(a, b);
    return { delta, deltaText: delta === null ? '' : format(Math.abs(delta)) };
  };
  const msText = (v: number) => formatMs(v);
  const stats: Stat[] = [
    { id: 'total', label: 'Requests', text: formatCount(n.total), value: n.total, ...change(n.total, o?.total, formatCount) },
    { id: 'successful', label: 'Succeeded', text: formatCount(n.ok), value: n.ok, ...change(n.ok, o?.ok, formatCount) },
    { id: 'failed', label: 'Failed', text: formatCount(n.failed), value: n.failed, ...change(n.failed, o?.failed, formatCount), lowerIsBetter: true },
    {
      id: 'success-rate',
      label: 'Success rate',
      text: formatPercent(n.ok, n.total),
      value: n.rate,
      ...change(n.rate, o?.rate, (v) => `${(100 * v).toFixed(1)} pt`),
    },
    { id: 'avg', label: 'Avg latency', text: ms(n.avg), value: n.avg, ...change(n.avg, o?.avg, msText), lowerIsBetter: true },
    { id: 'p50', label: 'p50', text: ms(n.p50), value: n.p50, ...change(n.p50, o?.p50, msText), lowerIsBetter: true },
    { id: 'p95', label: 'p95', text: ms(n.p95), value: n.p95, ...change(n.p95, o?.p95, msText), lowerIsBetter: true },
    { id: 'p99', label: 'p99', text: ms(n.p99), value: n.p99, ...change(n.p99, o?.p99, msText), lowerIsBetter: true },
    { id: 'cost', label: 'Cost', text: n.cost === null ? '—' : formatUsd(n.cost), value: n.cost, ...change(n.cost, o?.cost, formatUsd), lowerIsBetter: true },
  ];
  if (summary) {
    stats.push({
      id: 'simulated',
      label: summary.clock === 'VIRTUAL' ? 'Simulated time' : 'Run time',
      text: formatSeconds(summary.simulatedDurationMs),
      value: summary.simulatedDurationMs,
    });
    stats.push({ id: 'duration', label: 'Took', text: formatSeconds(summary.durationMs), value: summary.durationMs });
  }
  // The overhead the run added to every attempt, and where it came from (when the summary says).
  if (summary && typeof summary.gatewayOverheadMs === 'number') {
    stats.push({
      id: 'overhead',
      label: 'Gateway overhead',
      text: formatMs(summary.gatewayOverheadMs),
      value: summary.gatewayOverheadMs,
      note: overheadNote(summary.gatewayOverheadSource, summary.gatewayOverheadSamples),
    });
  }
  return (
    <div className="sim-stats" aria-label="Simulation totals">
      {stats.map((s) => (
        <Stat key={s.id} {...s} />
      ))}
    </div>
  );
}
