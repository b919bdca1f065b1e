// Runs a simulation over the app's urql/graphql-ws client and turns the stream into render
// state. Batches are queued as they arrive and folded into the counters once per animation
// frame (one React update per frame however many batches came), and the requests themselves
// are dropped after folding: state holds counters only, whatever the request count.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import type { SimulationInput, SimulationSummaryFieldsFragment } from '@/gql/graphql';
import { SimulateTrafficSubscription, StopSimulationMutation } from '../api/documents';
import {
  applyBatch,
  countMismatches,
  countsFromSummary,
  emptyCounts,
  flowDelta,
  type DeploymentRef,
  type RequestLike,
  type TrafficCounts,
} from '../utils/traffic-counts';

export type RunStatus = 'idle' | 'running' | 'stopping' | 'finished' | 'failed';

export interface RunState {
  status: RunStatus;
  simulationId: string | null;
  completed: number;
  total: number;
  counts: TrafficCounts;
  /** Flow key -> requests that took that step in the latest frame (drives the animation). */
  recent: Record<string, number>;
  /** Frames rendered so far; the diagram keys its pulses on it. */
  frame: number;
  summary: SimulationSummaryFieldsFragment | null;
  /** Where the live counters disagreed with the server's summary (empty when they matched). */
  mismatches: string[];
  /** The run ended without a summary (stopped before it started, or the connection closed). */
  endedWithoutSummary: boolean;
  error: string | null;
}

export function initialRunState(deployments: readonly DeploymentRef[]): RunState {
  return {
    status: 'idle',
    simulationId: null,
    completed: 0,
    total: 0,
    counts: emptyCounts(deployments),
    recent: {},
    frame: 0,
    summary: null,
    mismatches: [],
    endedWithoutSummary: false,
    error: null,
  };
}

type Unsubscribe = () => void;

/** How long an edge keeps pulsing after the last batch that moved requests along it. */
const RECENT_MS = 700;

export function useSimulationRun(groupId: string, deployments: readonly DeploymentRef[]) {
  const client = useClient();
  const [state, setState] = useState<RunState>(() => initialRunState(deployments));
  const pending = useRef<RequestLike[][]>([]);
  const progress = useRef({ completed: 0, total: 0, simulationId: null as string | null });
  const counts = useRef<TrafficCounts>(state.counts);
  const frame = useRef<number | null>(null);
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
    for (const batch of batches) next = applyBatch(next, batch);
    counts.current = next;
    return { previous, next };
  }, []);

  const renderFrame = useCallback(() => {
    frame.current = null;
    const { previous, next } = fold();
    // Edges stop pulsing when no batch has come for a while (a slow or stalled stream).
    if (cooling.current !== null) clearTimeout(cooling.current);
    cooling.current = setTimeout(() => setState((s) => ({ ...s, recent: {} })), RECENT_MS);
    const { completed, total, simulationId } = progress.current;
    setState((s) => ({
      ...s,
      simulationId,
      completed,
      total,
      counts: next,
      recent: flowDelta(previous, next),
      frame: s.frame + 1,
    }));
  }, [fold]);

  const cancelFrame = useCallback(() => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
    frame.current = null;
    if (cooling.current !== null) clearTimeout(cooling.current);
    cooling.current = null;
  }, []);

  const finish = useCallback(
    (summary: SimulationSummaryFieldsFragment) => {
      live.current = false;
      cancelFrame();
      fold();
      // The summary is the truth: the displays switch to its numbers, and any disagreement
      // with what the live counters reached is reported rather than hidden.
      const mismatches = countMismatches(counts.current, summary);
      counts.current = countsFromSummary(summary);
      setState((s) => ({
        ...s,
        status: 'finished',
        simulationId: summary.simulationId,
        completed: summary.totalRequests,
        total: progress.current.total || summary.totalRequests,
        counts: counts.current,
        recent: {},
        frame: s.frame + 1,
        summary,
        mismatches,
      }));
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

  const start = useCallback(
    (input: SimulationInput) => {
      unsubscribe.current?.();
      cancelFrame();
      pending.current = [];
      progress.current = { completed: 0, total: input.numRequests ?? 0, simulationId: null };
      const fresh = initialRunState(deploymentsRef.current);
      counts.current = fresh.counts;
      setState({ ...fresh, status: 'running', total: input.numRequests ?? 0 });
      live.current = true;

      let done = false;
      const subscription = client
        .subscription(SimulateTrafficSubscription, { id: groupId, input })
        .subscribe((result) => {
          if (done) return;
          if (result.error) {
            done = true;
            fail(result.error.message);
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
              };
              pending.current.push(event.requests);
              frame.current ??= requestAnimationFrame(renderFrame);
              return;
            case 'SimulationSummary':
              done = true;
              finish(event);
              return;
            case 'LimitExceededError':
              done = true;
              fail(`${event.message} (limit ${event.limit})`);
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
    [cancelFrame, client, fail, finish, groupId, renderFrame],
  );

  const stop = useCallback(async () => {
    const simulationId = progress.current.simulationId;
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
      recent: {},
      endedWithoutSummary: true,
    }));
  }, [cancelFrame, client, fold]);

  useEffect(
    () => () => {
      // Leaving the page closes the subscription, which cancels the run on the server.
      unsubscribe.current?.();
      cancelFrame();
    },
    [cancelFrame],
  );

  return { state, start, stop };
}
