// One shape for what the results panel draws, whether the run is streaming, finished, or a
// saved one from History: the summary's numbers when there is one, the live counters before.
import type { SimulationInput } from '@/gql/graphql';
import type { RunState, RunSummary } from '../hooks/use-simulation-run';
import type { LatencyPercentiles } from './percentiles';
import { timelineBuckets, type TimelineBucket, type TimelineState } from './timeline';
import type { TimeWindow } from './timeline-view';
import { countsFromSummary, type TrafficCounts } from '@/components/flow/traffic-counts';

export interface IncidentWindow {
  deploymentId: string;
  startMs: number;
  endMs: number;
}

export interface RunView {
  counts: TrafficCounts;
  recent?: Readonly<Record<string, number>>;
  summary: RunSummary | null;
  buckets: readonly TimelineBucket[];
  cooldowns: readonly TimeWindow[] | null;
  cursorMs: number | null;
  domainMs: number | null;
  latency: LatencyPercentiles | null;
  incidents: readonly IncidentWindow[];
  running: boolean;
}

const incidentCache = new WeakMap<object, IncidentWindow[]>();
const bucketCache = new WeakMap<TimelineState, { key: string; buckets: TimelineBucket[] }>();

export function incidentWindows(input: unknown): IncidentWindow[] {
  if (input && typeof input === 'object') {
    const cached = incidentCache.get(input);
    if (cached) return cached;
    const windows = computeIncidentWindows(input);
    incidentCache.set(input, windows);
    return windows;
  }
  return computeIncidentWindows(input);
}

function computeIncidentWindows(input: unknown): IncidentWindow[] {
  const incidents = (input as Partial<SimulationInput> | null)?.incidents ?? [];
  return incidents.map((w) => ({ deploymentId: String(w.modelId), startMs: w.startSeconds * 1000, endMs: w.endSeconds * 1000 }));
}

/** The time axis' extent when the input fixes it (traffic over time). */
export function plannedDurationMs(input: unknown): number | null {
  const traffic = (input as Partial<SimulationInput> | null)?.traffic;
  return traffic ? traffic.durationSeconds * 1000 : null;
}

/**
 * The live timeline in the server's shape, the same array for the same timeline state: a frame
 * that only moves the counters (the timeline is republished a few times a second) redraws no chart.
 */
function liveBuckets(timeline: TimelineState, deploymentIds: readonly string[], simulatedMs: number): TimelineBucket[] {
  const key = `${deploymentIds.join('\u0001')}\u0002${simulatedMs}`;
  const cached = bucketCache.get(timeline);
  if (cached && cached.key === key) return cached.buckets;
  const buckets = timelineBuckets(timeline, deploymentIds, simulatedMs);
  bucketCache.set(timeline, { key, buckets });
  return buckets;
}

export function viewFromRun(state: RunState, deploymentIds: readonly string[]): RunView {
  const summary = state.summary;
  const running = state.status === 'running' || state.status === 'stopping';
  return {
    counts: state.counts,
    recent: state.recent,
    summary,
    // A summary without a timeline (a server that does not cut one) keeps the live one.
    buckets: summary?.timeline.length ? summary.timeline : liveBuckets(state.timeline, deploymentIds, state.simulatedMs),
    cooldowns: summary?.timeline.length ? summary.cooldowns : null,
    cursorMs: state.status === 'idle' ? null : summary?.simulatedDurationMs || state.simulatedMs,
    domainMs: plannedDurationMs(state.input),
    latency: state.latency,
    incidents: incidentWindows(state.input),
    running,
  };
}

export function viewFromSaved(summary: RunSummary, input: unknown): RunView {
  return {
    counts: countsFromSummary(summary),
    summary,
    buckets: summary.timeline,
    cooldowns: summary.cooldowns,
    cursorMs: summary.simulatedDurationMs,
    domainMs: plannedDurationMs(input),
    latency: { p50: summary.p50LatencyMs, p95: summary.p95LatencyMs, p99: summary.p99LatencyMs },
    incidents: incidentWindows(input),
    running: false,
  };
}
