// Traffic over simulated time, folded from the stream of finished requests: per time bucket,
// requests started and failed, and per deployment the attempts started in it (successes,
// failures, nearest-rank p50 latency) and whether it was seen cooling down.
//
// The encoding follows the server's `TimelineBucket`: a request belongs to the bucket its
// `startedAtMs` falls in, an attempt to the bucket of its own `startedAtMs`, bucket i covering
// [i * bucketMs, (i + 1) * bucketMs). So once every request has been folded, the live timeline
// is the summary's (same bucket width), whatever batches the requests came in.
//
// `coolingDown` is the one thing the stream can only infer: a deployment is marked in a bucket
// when a request started in it skipped the deployment for cooldown. The server knows the exact
// cooldown windows; when its summary arrives the display uses its timeline and `cooldowns`.
//
// Pure: `applyTimelineBatch` never changes the state it is given, and copies only the buckets a
// batch touches, so folding 100,000 requests in 500 batches stays cheap.
import { percentileOf } from './percentiles';

export interface TimedAttempt {
  deploymentId: string;
  status: 'SUCCESS' | 'ERROR';
  latencyMs: number;
  startedAtMs?: number | null;
}

export interface TimedRequest {
  success: boolean;
  startedAtMs?: number | null;
  attempts: readonly TimedAttempt[];
  skipped?: readonly { deploymentId: string; reason: string }[] | null;
}

interface CellState {
  attempts: number;
  successes: number;
  coolingDown: boolean;
  latencies: readonly number[];
}

interface BucketState {
  requests: number;
  failedRequests: number;
  cells: Readonly<Record<string, CellState>>;
}

export interface TimelineState {
  bucketMs: number;
  /** When false the width doubles (buckets merge pairwise) whenever a run outgrows MAX_BUCKETS. */
  fixedWidth: boolean;
  buckets: Readonly<Record<number, BucketState>>;
  /** Highest bucket index holding anything, -1 when empty. */
  lastIndex: number;
  /** The run's clock as last reported (or the latest start seen). */
  simulatedMs: number;
}

/** The server's `DeploymentBucket` / `TimelineBucket` shapes. */
export interface DeploymentBucket {
  deploymentId: string;
  attempts: number;
  successes: number;
  failures: number;
  coolingDown: boolean;
  p50LatencyMs?: number | null;
}

export interface TimelineBucket {
  startMs: number;
  endMs: number;
  requests: number;
  failedRequests: number;
  deployments: readonly DeploymentBucket[];
}

/** An open-ended timeline widens when it reaches this many buckets (the server's 2 x 60). */
export const MAX_BUCKETS = 120;
/** Open-ended runs start at this width and double as they go, like the server's. */
export const ADAPTIVE_START_MS = 1000;

export function emptyTimeline(bucketMs: number | null | undefined): TimelineState {
  const fixed = bucketMs !== null && bucketMs !== undefined && bucketMs > 0;
  return {
    bucketMs: fixed ? bucketMs : ADAPTIVE_START_MS,
    fixedWidth: fixed,
    buckets: {},
    lastIndex: -1,
    simulatedMs: 0,
  };
}

const EMPTY_CELL: CellState = { attempts: 0, successes: 0, coolingDown: false, latencies: [] };

class BatchWriter {
  private readonly buckets: Record<number, BucketState>;
  private readonly copiedBuckets = new Set<number>();
  private readonly copiedCells = new Set<string>();
  lastIndex: number;

  constructor(
    private readonly bucketMs: number,
    state: TimelineState,
  ) {
    this.buckets = { ...state.buckets };
    this.lastIndex = state.lastIndex;
  }

  index(ms: number): number {
    return Math.max(0, Math.floor(ms / this.bucketMs));
  }

  bucket(index: number): BucketState & { cells: Record<string, CellState> } {
    if (!this.copiedBuckets.has(index)) {
      const old = this.buckets[index];
      this.buckets[index] = old
        ? { ...old, cells: { ...old.cells } }
        : { requests: 0, failedRequests: 0, cells: {} };
      this.copiedBuckets.add(index);
      if (index > this.lastIndex) this.lastIndex = index;
    }
    return this.buckets[index] as BucketState & { cells: Record<string, CellState> };
  }

  cell(index: number, deploymentId: string): CellState & { latencies: number[] } {
    const bucket = this.bucket(index);
    const key = `${index}\u0001${deploymentId}`;
    if (!this.copiedCells.has(key)) {
      const old = bucket.cells[deploymentId] ?? EMPTY_CELL;
      bucket.cells[deploymentId] = { ...old, latencies: [...old.latencies] };
      this.copiedCells.add(key);
    }
    return bucket.cells[deploymentId] as CellState & { latencies: number[] };
  }

  result(): Record<number, BucketState> {
    return this.buckets;
  }
}

/** `state` plus one batch of finished requests; `simulatedMs` is the batch's clock, if known. */
export function applyTimelineBatch(
  state: TimelineState,
  requests: readonly TimedRequest[],
  simulatedMs?: number | null,
): TimelineState {
  if (requests.length === 0 && (simulatedMs ?? 0) <= state.simulatedMs) return state;
  const writer = new BatchWriter(state.bucketMs, state);
  let clock = Math.max(state.simulatedMs, simulatedMs ?? 0);
  for (const request of requests) {
    const start = request.startedAtMs ?? 0;
    const at = writer.index(start);
    const bucket = writer.bucket(at);
    bucket.requests += 1;
    if (!request.success) bucket.failedRequests += 1;
    for (const attempt of request.attempts) {
      const time = attempt.startedAtMs ?? start;
      const cell = writer.cell(writer.index(time), attempt.deploymentId);
      cell.attempts += 1;
      if (attempt.status === 'SUCCESS') cell.successes += 1;
      cell.latencies.push(attempt.latencyMs);
      clock = Math.max(clock, time);
    }
    for (const skip of request.skipped ?? []) {
      if (skip.reason === 'cooldown') writer.cell(at, skip.deploymentId).coolingDown = true;
    }
    clock = Math.max(clock, start);
  }
  let next: TimelineState = { ...state, buckets: writer.result(), lastIndex: writer.lastIndex, simulatedMs: clock };
  while (!next.fixedWidth && next.lastIndex >= MAX_BUCKETS) next = widen(next);
  return next;
}

function mergeCells(a: CellState | undefined, b: CellState | undefined): CellState {
  if (!a) return b ?? EMPTY_CELL;
  if (!b) return a;
  return {
    attempts: a.attempts + b.attempts,
    successes: a.successes + b.successes,
    coolingDown: a.coolingDown || b.coolingDown,
    latencies: [...a.latencies, ...b.latencies],
  };
}

/** Twice the bucket width: buckets 2i and 2i+1 become bucket i. */
export function widen(state: TimelineState): TimelineState {
  const merged: Record<number, BucketState> = {};
  for (const [key, bucket] of Object.entries(state.buckets)) {
    const target = Math.floor(Number(key) / 2);
    const into = merged[target];
    if (!into) {
      merged[target] = bucket;
      continue;
    }
    const cells: Record<string, CellState> = { ...into.cells };
    for (const [id, cell] of Object.entries(bucket.cells)) cells[id] = mergeCells(cells[id], cell);
    merged[target] = {
      requests: into.requests + bucket.requests,
      failedRequests: into.failedRequests + bucket.failedRequests,
      cells,
    };
  }
  return {
    ...state,
    bucketMs: state.bucketMs * 2,
    buckets: merged,
    lastIndex: state.lastIndex < 0 ? -1 : Math.floor(state.lastIndex / 2),
  };
}

/**
 * The timeline in the server's shape: every bucket from 0 to the last one holding anything (or
 * covering `untilMs`), every listed deployment in every bucket, in the given order. The p50s
 * are only computed when asked for (`withLatency`), by selection rather than a sort: linear in
 * the attempts, so the end-of-run check over 100,000 requests stays a few milliseconds.
 */
export function timelineBuckets(
  state: TimelineState,
  deploymentIds: readonly string[],
  untilMs?: number,
  withLatency = false,
): TimelineBucket[] {
  // As the server counts them: the buckets that end by `untilMs`, and any holding something.
  const lastByClock = untilMs !== undefined && untilMs > 0 ? Math.floor(untilMs / state.bucketMs) - 1 : -1;
  const last = Math.max(state.lastIndex, lastByClock);
  const ids = [...deploymentIds];
  const known = new Set(ids);
  for (const bucket of Object.values(state.buckets)) {
    for (const id of Object.keys(bucket.cells)) {
      if (!known.has(id)) {
        known.add(id);
        ids.push(id);
      }
    }
  }
  const out: TimelineBucket[] = [];
  for (let i = 0; i <= last; i += 1) {
    const bucket = state.buckets[i];
    out.push({
      startMs: i * state.bucketMs,
      endMs: (i + 1) * state.bucketMs,
      requests: bucket?.requests ?? 0,
      failedRequests: bucket?.failedRequests ?? 0,
      deployments: ids.map((id) => {
        const cell = bucket?.cells[id] ?? EMPTY_CELL;
        return {
          deploymentId: id,
          attempts: cell.attempts,
          successes: cell.successes,
          failures: cell.attempts - cell.successes,
          coolingDown: cell.coolingDown,
          p50LatencyMs: withLatency ? percentileOf(cell.latencies, 50) : null,
        };
      }),
    });
  }
  return out;
}

/** The width of a server timeline's buckets (null for an empty timeline). */
export function bucketWidth(timeline: readonly TimelineBucket[]): number | null {
  const first = timeline[0];
  return first ? first.endMs - first.startMs : null;
}

/**
 * Where a live timeline disagrees with the server's: per bucket, requests and failures, and per
 * deployment attempts, successes, failures and p50. `coolingDown` is left out: the stream only
 * infers it (see the module comment). Empty when they agree exactly.
 */
export function timelineMismatches(live: readonly TimelineBucket[], server: readonly TimelineBucket[]): string[] {
  const problems: string[] = [];
  const length = Math.max(live.length, server.length);
  for (let i = 0; i < length; i += 1) {
    const a = live[i];
    const b = server[i];
    if (!a || !b) {
      const only = a ?? b;
      const empty = only && only.requests === 0 && only.deployments.every((d) => d.attempts === 0);
      if (!empty) problems.push(`bucket ${i}: only on the ${a ? 'page' : 'server'}`);
      continue;
    }
    if (a.startMs !== b.startMs || a.endMs !== b.endMs) problems.push(`bucket ${i}: bounds differ`);
    if (a.requests !== b.requests) problems.push(`bucket ${i}.requests: ${a.requests} != ${b.requests}`);
    if (a.failedRequests !== b.failedRequests) {
      problems.push(`bucket ${i}.failedRequests: ${a.failedRequests} != ${b.failedRequests}`);
    }
    const theirs = new Map(b.deployments.map((d) => [d.deploymentId, d]));
    const ours = new Map(a.deployments.map((d) => [d.deploymentId, d]));
    for (const id of new Set([...theirs.keys(), ...ours.keys()])) {
      const x = ours.get(id);
      const y = theirs.get(id);
      for (const field of ['attempts', 'successes', 'failures'] as const) {
        if ((x?.[field] ?? 0) !== (y?.[field] ?? 0)) {
          problems.push(`bucket ${i}.${id}.${field}: ${x?.[field] ?? 0} != ${y?.[field] ?? 0}`);
        }
      }
      if ((x?.p50LatencyMs ?? null) !== (y?.p50LatencyMs ?? null)) {
        problems.push(`bucket ${i}.${id}.p50LatencyMs: ${x?.p50LatencyMs ?? null} != ${y?.p50LatencyMs ?? null}`);
      }
    }
  }
  return problems;
}
