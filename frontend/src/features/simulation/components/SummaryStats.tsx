import type { SimulationSummaryFieldsFragment } from '@/gql/graphql';
import type { TrafficCounts } from '../utils/traffic-counts';
import { formatCount, formatMs, formatPercent } from '../utils/format';

interface Stat {
  id: string;
  label: string;
  text: string;
  value: number | null;
}

function Stat({ id, label, text, value }: Stat) {
  return (
    <div className="sim-stat" data-testid={`stat-${id}`} data-value={value ?? ''}>
      <div className="sim-stat-label">{label}</div>
      <div className="sim-stat-value">{text}</div>
    </div>
  );
}

interface SummaryStatsProps {
  counts: TrafficCounts;
  summary: SimulationSummaryFieldsFragment | null;
}

/** Live numbers from the counters; once the summary is in, exactly the summary's numbers. */
export function SummaryStats({ counts, summary }: SummaryStatsProps) {
  const total = summary?.totalRequests ?? counts.totalRequests;
  const ok = summary?.successfulRequests ?? counts.successfulRequests;
  const failed = summary?.failedRequests ?? counts.totalRequests - counts.successfulRequests;
  const avg = summary?.avgLatencyMs ?? (counts.totalRequests ? counts.latencySumMs / counts.totalRequests : null);
  const pct = (v: number | undefined) => (v === undefined ? '—' : formatMs(v));
  const stats: Stat[] = [
    { id: 'total', label: 'Requests', text: formatCount(total), value: total },
    { id: 'successful', label: 'Succeeded', text: formatCount(ok), value: ok },
    { id: 'failed', label: 'Failed', text: formatCount(failed), value: failed },
    { id: 'success-rate', label: 'Success rate', text: formatPercent(ok, total), value: total ? ok / total : null },
    { id: 'avg', label: 'Avg latency', text: avg === null ? '—' : formatMs(avg), value: avg },
    { id: 'p50', label: 'p50', text: pct(summary?.p50LatencyMs), value: summary?.p50LatencyMs ?? null },
    { id: 'p95', label: 'p95', text: pct(summary?.p95LatencyMs), value: summary?.p95LatencyMs ?? null },
    { id: 'p99', label: 'p99', text: pct(summary?.p99LatencyMs), value: summary?.p99LatencyMs ?? null },
  ];
  if (summary) {
    stats.push({ id: 'duration', label: 'Duration', text: formatMs(summary.durationMs), value: summary.durationMs });
  }
  return (
    <div className="sim-stats" aria-label="Simulation totals">
      {stats.map((s) => (
        <Stat key={s.id} {...s} />
      ))}
    </div>
  );
}
