// Runs a simulation over the app's urql/graphql-ws client and turns the stream into render
// state. Batches are queued as they arrive and folded into the counters at most every FRAME_MS
// (in an animation frame: one React update however many batches came), and the requests
// themselves are dropped after folding: state holds counters only, whatever the request count.
// The timeline and the latency percentiles cost more to draw, so they are published a few times
// a second. Every update is a transition: React renders it in slices and yields to the browser
// between them, so a long run never blocks the page (`make bench` checks it at 100,000 requests).
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import type { SimulationInput, SimulationSummaryFieldsFragment } from '@/gql/graphql';
import { SimulateTrafficSubscription, StopSimulationMutation } from '../api/documents';
import { LatencyLog, type LatencyPercentiles } from '../utils/percentiles';
import { applyTimelineBatch, bucketWidth, emptyTimeline, timelineBuckets, timelineMismatches, type TimelineState } from '../utils/timeline';
import {
  applyBatch,
  countMismatches,
  countsFromSummary,
  emptyCounts,
  flowDelta,
  type AttemptLike,
  type DeploymentRef,
  type RequestLike,
  type TrafficCounts,
} from '@/components/flow/traffic-counts';

export type RunStatus = 'idle' | 'running' | 'stopping' | 'finished' | 'failed';
export type RunSummary = SimulationSummaryFieldsFragment;

export interface RunState {
  status: RunStatus;
  simulationId: string | null;
  completed: number;
  total: number;
  counts: TrafficCounts;
  timeline: TimelineState;
  /** The run's clock when the latest batch closed. */
  simulatedMs: number;
  /** Live percentiles of request latency (null before the first request). */
  latency: LatencyPercentiles | null;
  /** Flow key -> requests that took that step in the latest frame (drives the animation). */
  recent: Record<string, number>;
  /** Frames rendered so far; the diagram keys its pulses on it. */
  frame: number;
  summary: RunSummary | null;
  /** Where the live counters disagreed with the server's summary (empty when they matched). */
  mismatches: string[];
  /** Where the live timeline disagreed with the summary's (empty when it matched). */
  timelineMismatches: string[];
  /** The run ended without a summary (stopped before it started, or the connection closed). */
  endedWithoutSummary: boolean;
  /** The user pressed Stop (a cancelled summary without it means the server stopped the run). */
  stopRequested: boolean;
  /** The connection to the server was lost mid-run: the numbers are what arrived before. */
  interrupted: boolean;
  /** The server refused to start the run because of a limit (e.g. simulations at once). */
  limited: boolean;
  error: string | null;
  /** A ValidationError's field errors (e.g. `replay.from`), to show at the field. */
  fieldErrors: readonly { field: string; message: string }[];
  /** What was sent. */
  input: SimulationInput | null;
}

export function initialRunState(deployments: readonly DeploymentRef[], bucketMs?: number | null): RunState {
  return {
    status: 'idle',
    simulationId: null,
    completed: 0,
    total: 0,
    counts: emptyCounts(deployments),
    timeline: emptyTimeline(bucketMs),
    simulatedMs: 0,
    latency: null,
    recent: {},
    frame: 0,
    summary: null,
    mismatches: [],
    timelineMismatches: [],
    endedWithoutSummary: false,
    stopRequested: false,
    interrupted: false,
    limited: false,
    error: null,
    fieldErrors: [],
    input: null,
  };
}

type Unsubscribe = () => void;
type Batch = { requests: readonly RequestLike[]; simulatedMs: number };
/** A streamed request as a listener gets it (what the subscription asks for). */
export interface StreamedRequest extends RequestLike {
  requestIndex: number;
  finalDeploymentId?: string | null;
  attempts: readonly (AttemptLike & { retryIndex?: number })[];
}
/** Sees every batch's requests as they arrive (before they are folded and dropped). */
export type RequestListener = (requests: readonly StreamedRequest[]) => void;

/** How long an edge keeps pulsing after the last batch that moved requests along it. */
const RECENT_MS = 700;
/** The timeline and the percentiles are redrawn at most this often while a run streams. */
const SLOW_PANELS_MS = 250;
/** The counters, the flow and its pulses are redrawn at most this often (10 a second). */
const FRAME_MS = 100;

export const INTERRUPTED_MESSAGE =
  "Lost the connection to the server, so this run was interrupted: the numbers are what arrived before. Run it again once the server is back.";

/** Requests the run will make, when known up front. */
export function expectedRequests(input: SimulationInput): number {
  if (input.traffic) {
    const { ratePerSecond, durationSeconds, pattern } = input.traffic;
    return Math.round((ratePerSecond * durationSeconds) / (pattern === 'RAMP' ? 2 : 1));
  }
  return input.numRequests ?? 0;
}

export function useSimulationRun(groupId: string, deployments: readonly DeploymentRef[]) {
  const client = useClient();
  const [state, setState] = useState<RunState>(() => initialRunState(deployments));
  const pending = useRef<Batch[]>([]);
  const progress = useRef({ completed: 0, total: 0, simulationId: null as string | null, simulatedMs: 0 });
  const counts = useRef<TrafficCounts>(state.counts);
  const timeline = useRef<TimelineState>(state.timeline);
  const latencies = useRef(new LatencyLog());
  const lastSlowPublish = useRef(0);
  const frame = useRef<number | null>(null);
  /** The wait before the next frame when the last one was under FRAME_MS ago. */
  const frameTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFrame = useRef(0);
  const cooling = useRef<ReturnType<typeof setTimeout> | null>(null);
  const unsubscribe = useRef<Unsubscribe | null>(null);
  /** True from start until the summary, an error, or a stop without summary. */
  const live = useRef(false);
  const deploymentsRef = useRef(deployments);
  useEffect(() => {
    deploymentsRef.current = deployments;
  }, [deployments]);

  const fold = useCallback((): { previous: TrafficCounts; next: TrafficCounts } => {
    const batches = pending.current;
    pending.current = [];
    const previous = counts.current;
    let next = previous;
    let line = timeline.current;
    for (const batch of batches) {
      next = applyBatch(next, batch.requests);
      line = applyTimelineBatch(line, batch.requests, batch.simulatedMs);
      for (const request of batch.requests) latencies.current.push(request.latencyMs);
    }
    counts.current = next;
    timeline.current = line;
    return { previous, next };
  }, []);

  const renderFrame = useCallback(() => {
    frame.current = null;
    lastFrame.current = performance.now();
    const { previous, next } = fold();
    // Edges stop pulsing when no batch has come for a while (a slow or stalled stream).
    if (cooling.current !== null) clearTimeout(cooling.current);
    cooling.current = setTimeout(() => startTransition(() => setState((s) => ({ ...s, recent: {} }))), RECENT_MS);
    const { completed, total, simulationId, simulatedMs } = progress.current;
    const now = performance.now();
    const slow = now - lastSlowPublish.current >= SLOW_PANELS_MS;
    if (slow) lastSlowPublish.current = now;
    const line = timeline.current;
    const latency = slow ? latencies.current.percentiles() : null;
    const recent = flowDelta(previous, next);
    startTransition(() =>
      setState((s) => ({
        ...s,
        simulationId,
        completed,
        total,
        counts: next,
        recent,
        frame: s.frame + 1,
        ...(slow ? { timeline: line, simulatedMs, latency } : {}),
      })),
    );
  }, [fold]);

  /** A frame for the batches that came, FRAME_MS after the last one at the earliest. */
  const scheduleFrame = useCallback(() => {
    if (frame.current !== null || frameTimer.current !== null) return;
    const wait = FRAME_MS - (performance.now() - lastFrame.current);
    if (wait <= 0) {
      frame.current = requestAnimationFrame(renderFrame);
      return;
    }
    frameTimer.current = setTimeout(() => {
      frameTimer.current = null;
      frame.current = requestAnimationFrame(renderFrame);
    }, wait);
  }, [renderFrame]);

  const cancelFrame = useCallback(() => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
    frame.current = null;
    if (frameTimer.current !== null) clearTimeout(frameTimer.current);
    frameTimer.current = null;
    if (cooling.current !== null) clearTimeout(cooling.current);
    cooling.current = null;
  }, []);

  const finish = useCallback(
    (summary: RunSummary) => {
      live.current = false;
      cancelFrame();
      fold();
      // The summary is the truth: the displays switch to its numbers, and any disagreement
      // with what the live counters reached is reported rather than hidden.
      const mismatches = countMismatches(counts.current, summary);
      const liveKinds = counts.current.errorsByKind;
      const ids = deploymentsRef.current.map((d) => d.deploymentId);
      const width = bucketWidth(summary.timeline);
      const line = timeline.current;
      const lineMismatches =
        width === null || summary.timeline.length === 0
          ? []
          : width === line.bucketMs
            ? timelineMismatches(timelineBuckets(line, ids, summary.simulatedDurationMs, true), summary.timeline)
            : [];
      counts.current = countsFromSummary(summary);
      // The summary names error kinds only where they led somewhere; the live count has all.
      if (mismatches.length === 0) counts.current = { ...counts.current, errorsByKind: liveKinds };
      const finalCounts = counts.current;
      // The summary redraws every panel at once: rendered in slices, like the frames.
      startTransition(() => setState((s) => ({
        ...s,
        status: 'finished',
        simulationId: summary.simulationId,
        completed: summary.totalRequests,
        total: progress.current.total || summary.totalRequests,
        counts: finalCounts,
        timeline: line,
        simulatedMs: summary.simulatedDurationMs,
        latency: { p50: summary.p50LatencyMs, p95: summary.p95LatencyMs, p99: summary.p99LatencyMs },
        recent: {},
        frame: s.frame + 1,
        summary,
        mismatches,
        timelineMismatches: lineMismatches,
      })));
    },
    [cancelFrame, fold],
  );

  const fail = useCallback(
    (message: string) => {
      live.current = false;
      cancelFrame();
      unsubscribe.current?.();
      unsubscribe.current = null;
      setState((s) => ({ ...s, status: 'failed', error: message, recent: {} }));
    },
    [cancelFrame],
  );

  /** The socket went away mid-run: keep what arrived, and say so (no summary will come). */
  const interrupt = useCallback(() => {
    live.current = false;
    unsubscribe.current?.();
    unsubscribe.current = null;
    cancelFrame();
    fold();
    setState((s) => ({
      ...s,
      status: 'failed',
      error: INTERRUPTED_MESSAGE,
      interrupted: true,
      counts: counts.current,
      timeline: timeline.current,
      completed: progress.current.completed,
      latency: latencies.current.percentiles(),
      recent: {},
    }));
  }, [cancelFrame, fold]);

  const start = useCallback(
    (input: SimulationInput, onRequests?: RequestListener) => {
      unsubscribe.current?.();
      cancelFrame();
      pending.current = [];
      const total = expectedRequests(input);
      progress.current = { completed: 0, total, simulationId: null, simulatedMs: 0 };
      const fresh = initialRunState(
        deploymentsRef.current,
        input.timelineBucketSeconds ? input.timelineBucketSeconds * 1000 : null,
      );
      counts.current = fresh.counts;
      timeline.current = fresh.timeline;
      latencies.current = new LatencyLog();
      lastSlowPublish.current = 0;
      setState({ ...fresh, status: 'running', total, input });
      live.current = true;

      let done = false;
      const subscription = client
        .subscription(SimulateTrafficSubscription, { id: groupId, input })
        .subscribe((result) => {
          if (done) return;
          if (result.error) {
            done = true;
            // No GraphQL error: the transport failed (the socket closed under the run).
            if (result.error.graphQLErrors.length === 0) interrupt();
            else fail(result.error.message);
            return;
          }
          const event = result.data?.simulateTraffic;
          if (!event) return;
          switch (event.__typename) {
            case 'SimulationProgress':
              progress.current = {
                completed: event.completed,
                total: event.total,
                simulationId: event.simulationId,
                simulatedMs: event.simulatedMs,
              };
              pending.current.push({ requests: event.requests, simulatedMs: event.simulatedMs });
              onRequests?.(event.requests);
              scheduleFrame();
              return;
            case 'SimulationSummary':
              done = true;
              finish(event);
              return;
            case 'LimitExceededError':
              done = true;
              fail(`${event.message} (limit ${event.limit})`);
              setState((s) => ({ ...s, limited: true }));
              return;
            case 'ValidationError':
              done = true;
              fail(
                [event.message, ...event.fieldErrors.map((f) => `${f.field}: ${f.message}`)].filter(Boolean).join(' — '),
              );
              setState((s) => ({ ...s, fieldErrors: event.fieldErrors.map(({ field, message }) => ({ field, message })) }));
              return;
            default:
              done = true;
              fail(event.message);
          }
        });
      unsubscribe.current = () => {
        done = true;
        subscription.unsubscribe();
      };
    },
    [cancelFrame, client, fail, finish, groupId, interrupt, scheduleFrame],
  );

  const stop = useCallback(async () => {
    const simulationId = progress.current.simulationId;
    setState((s) => ({ ...s, stopRequested: true }));
    if (simulationId) {
      // A graceful stop: the server flushes what finished and sends a cancelled summary.
      setState((s) => ({ ...s, status: 'stopping' }));
      const result = await client.mutation(StopSimulationMutation, { simulationId }).toPromise();
      if (!result.error && result.data?.stopSimulation) return;
    }
    if (!live.current) return;
    live.current = false;
    // Nothing to stop gracefully (no progress yet, or the server no longer knows the run):
    // closing the subscription cancels it, and no summary will come.
    unsubscribe.current?.();
    unsubscribe.current = null;
    cancelFrame();
    fold();
    setState((s) => ({
      ...s,
      status: 'finished',
      counts: counts.current,
      timeline: timeline.current,
      latency: latencies.current.percentiles(),
      recent: {},
      endedWithoutSummary: true,
    }));
  }, [cancelFrame, client, fold]);

  /** Back to idle (closing any run), e.g. before a what-if pair starts again. */
  const reset = useCallback(() => {
    live.current = false;
    unsubscribe.current?.();
    unsubscribe.current = null;
    cancelFrame();
    pending.current = [];
    const fresh = initialRunState(deploymentsRef.current);
    counts.current = fresh.counts;
    timeline.current = fresh.timeline;
    setState(fresh);
  }, [cancelFrame]);

  useEffect(
    () => () => {
      // Leaving the page closes the subscription, which cancels the run on the server.
      unsubscribe.current?.();
      cancelFrame();
    },
    [cancelFrame],
  );

  return { state, start, stop, reset };
}
