// Replay's "requests whose final deployment changed": the saved group's replay and the draft's
// replay meet the same recorded requests (request i is the window's i-th arrival in both), so
// pairing them by requestIndex shows what the draft changed. Each side's requests are kept,
// compactly, only until the other side's copy arrives; then they are dropped unless changed.
import type { StreamedRequest } from '../hooks/use-simulation-run';

export const CHANGED_LIMIT = 100;

export type Side = 'saved' | 'draft';

export interface CompactAttempt {
  deploymentId: string;
  status: string;
  errorKind: string | null;
  latencyMs: number;
  fallbackDepth: number;
}

export interface SideOutcome {
  /** null: the request failed. */
  finalDeploymentId: string | null;
  latencyMs: number;
  attempts: CompactAttempt[];
}

export interface ChangedRequest {
  requestIndex: number;
  startedAtMs: number;
  saved: SideOutcome;
  draft: SideOutcome;
}

export interface ChangedSnapshot {
  /** Requests seen on both sides. */
  compared: number;
  /** Of those, how many ended elsewhere (or failed on one side only). */
  changed: number;
  /** The first CHANGED_LIMIT of them by arrival. */
  first: ChangedRequest[];
}

function outcome(request: StreamedRequest): SideOutcome {
  return {
    finalDeploymentId: request.success ? (request.finalDeploymentId ?? null) : null,
    latencyMs: request.latencyMs,
    attempts: request.attempts.map((a) => ({
      deploymentId: a.deploymentId,
      status: a.status,
      errorKind: a.errorKind ?? null,
      latencyMs: a.latencyMs,
      fallbackDepth: a.fallbackDepth,
    })),
  };
}

export class ChangedRequests {
  private waiting: Record<Side, Map<number, { startedAtMs: number; outcome: SideOutcome }>> = {
    saved: new Map(),
    draft: new Map(),
  };
  private compared = 0;
  private changed = 0;
  private first: ChangedRequest[] = [];

  add(side: Side, requests: readonly StreamedRequest[]): void {
    const other: Side = side === 'saved' ? 'draft' : 'saved';
    for (const request of requests) {
      const mine = outcome(request);
      const theirs = this.waiting[other].get(request.requestIndex);
      if (!theirs) {
        this.waiting[side].set(request.requestIndex, { startedAtMs: request.startedAtMs ?? 0, outcome: mine });
        continue;
      }
      this.waiting[other].delete(request.requestIndex);
      this.compared += 1;
      if (theirs.outcome.finalDeploymentId === mine.finalDeploymentId) continue;
      this.changed += 1;
      const pair = side === 'saved' ? { saved: mine, draft: theirs.outcome } : { saved: theirs.outcome, draft: mine };
      this.keep({ requestIndex: request.requestIndex, startedAtMs: request.startedAtMs ?? theirs.startedAtMs, ...pair });
    }
  }

  /** Keeps the CHANGED_LIMIT earliest arrivals, whatever order the batches came in. */
  private keep(entry: ChangedRequest): void {
    if (this.first.length < CHANGED_LIMIT) {
      this.first.push(entry);
      return;
    }
    let latest = 0;
    for (let i = 1; i < this.first.length; i += 1) {
      if (this.first[i]!.requestIndex > this.first[latest]!.requestIndex) latest = i;
    }
    if (entry.requestIndex < this.first[latest]!.requestIndex) this.first[latest] = entry;
  }

  snapshot(): ChangedSnapshot {
    return {
      compared: this.compared,
      changed: this.changed,
      first: [...this.first].sort((a, b) => a.requestIndex - b.requestIndex),
    };
  }
}
