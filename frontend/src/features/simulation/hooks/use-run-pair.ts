// The saved group and a what-if draft, run side by side (Compare, Replay). Both start at once;
// when the server refuses the second (its cap on simulations at once, e.g. one worker), the
// draft starts as soon as the saved run is done.
import { useEffect, useRef, useState } from 'react';
import type { SimulationInput } from '@/gql/graphql';
import type { DeploymentRef } from '@/components/flow/traffic-counts';
import { useSimulationRun, type RequestListener } from './use-simulation-run';

interface Queued {
  input: SimulationInput;
  listener?: RequestListener;
}

export function useRunPair(groupId: string, deployments: readonly DeploymentRef[]) {
  const base = useSimulationRun(groupId, deployments);
  const whatIf = useSimulationRun(groupId, deployments);
  const queued = useRef<Queued | null>(null);
  const [pairRun, setPairRun] = useState(false);
  const busy = [base.state.status, whatIf.state.status].some((s) => s === 'running' || s === 'stopping');
  const baseStatus = base.state.status;
  const baseCancelled = Boolean(base.state.summary?.cancelled || base.state.endedWithoutSummary);
  const draftRefused = pairRun && whatIf.state.status === 'failed' && whatIf.state.limited;
  const waitingForSlot = draftRefused && (baseStatus === 'running' || baseStatus === 'stopping');
  const startDraft = whatIf.start;
  useEffect(() => {
    if (!draftRefused || baseStatus === 'running' || baseStatus === 'stopping' || baseStatus === 'idle') return;
    const next = queued.current;
    queued.current = null;
    if (next && baseStatus === 'finished' && !baseCancelled) startDraft(next.input, next.listener);
  }, [draftRefused, baseStatus, baseCancelled, startDraft]);

  const startPair = (
    saved: SimulationInput,
    drafted: SimulationInput,
    listeners: { saved?: RequestListener; draft?: RequestListener } = {},
  ) => {
    queued.current = { input: drafted, listener: listeners.draft };
    setPairRun(true);
    base.start(saved, listeners.saved);
    whatIf.start(drafted, listeners.draft);
  };

  const startSingle = (input: SimulationInput) => {
    queued.current = null;
    setPairRun(false);
    base.start(input);
  };

  const stop = () => {
    queued.current = null;
    void base.stop();
    if (whatIf.state.status === 'running') void whatIf.stop();
  };

  // A draft waiting for the saved run's slot has not failed.
  const error = base.state.error ?? (draftRefused ? null : whatIf.state.error);
  return { base, whatIf, pairRun, busy, waitingForSlot, error, startPair, startSingle, stop };
}
