// The recent live requests of a group, newest last, capped so a busy group never grows memory.

export interface LiveAttempt {
  deploymentId: string;
  deploymentName: string;
  provider: string;
  status: 'SUCCESS' | 'ERROR';
  errorKind?: string | null;
  fallbackDepth: number;
  latencyMs: number;
}

export interface LiveRequest {
  success: boolean;
  latencyMs: number;
  startedAtMs: number;
  finishedAtMs?: number | null;
  finalDeploymentId?: string | null;
  attempts: readonly LiveAttempt[];
  skipped: readonly { deploymentId: string; reason: string }[];
}

export interface LiveState {
  requests: readonly LiveRequest[];
  problem: string | null;
}

export const EMPTY_LIVE: LiveState = { requests: [], problem: null };

export const MAX_RECENT = 200;

export function appendRequests(
  recent: readonly LiveRequest[],
  batch: readonly LiveRequest[],
  max: number = MAX_RECENT,
): readonly LiveRequest[] {
  if (batch.length === 0) return recent;
  const next = [...recent, ...batch];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** One line per request: the deployments it went through, with skips and outcome. */
export function pathOf(request: LiveRequest, nameOf: (id: string) => string = (id) => id): string {
  const named = (a: LiveAttempt) => {
    const name = nameOf(a.deploymentId);
    return name === a.deploymentId ? a.deploymentName : name;
  };
  const steps = request.attempts.map(
    (a) => `${named(a)}${a.status === 'SUCCESS' ? ' ✓' : ` ✗${a.errorKind ? ` ${a.errorKind}` : ''}`}`,
  );
  const skips = request.skipped.map((s) => `skipped ${nameOf(s.deploymentId)} (${s.reason})`);
  return [...skips, ...steps].join(' → ') || 'no attempt';
}

export function secondsUntil(iso: string | null | undefined, nowMs: number): number | null {
  if (!iso) return null;
  const ends = Date.parse(iso);
  return Number.isNaN(ends) ? null : Math.max(0, Math.round((ends - nowMs) / 1000));
}
