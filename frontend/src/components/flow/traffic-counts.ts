// Live counters for a traffic simulation, built from the server's RequestTrace batches with the
// same encoding the server's summary uses (gql_server/core/simulation/stats.py), so the numbers
// on screen while a run streams are the numbers the summary ends with.
//
// Flow encoding: from=null is the entry, to=null means the request failed for good. Edges into
// a deployment are attempts that happened, for every strategy; a deployment the request was
// passed over at (a skip: cooling down, over its rpm/tpm; placed by the skip's `beforeAttempt`)
// gets no edge in, only a skip edge out, to the deployment tried next:
//   entry -> first attempted deployment   "primary"
//   X -> next attempted deployment        "fallback_<kind>" when it is on a deeper fallback
//                                         tier, else "retry_<kind>" (X failed)
//   X -> X                                "success" (X answered)
//   X -> null                             "failed" (X was the last try and failed)
//   entry -> null                         "failed" (no attempt was made)
//   S -> next attempted deployment        "skipped_<reason>" (S passed over, no attempt on S),
//                                         or S -> null when no attempt came after it
// so for every deployment: attempt edges in == attempts == non-skip edges out, and skip edges
// out == skips on it.
//
// Everything here is a pure function of (state, batch): the component coalesces batches per
// animation frame and keeps only these counters, never the requests themselves.

import type { SimulationSummaryFieldsFragment, TraceStatus } from '@/gql/graphql';

// The server's shapes come from the generated schema types (src/gql), never redeclared here.
type ServerSummary = SimulationSummaryFieldsFragment;

export interface AttemptLike {
  deploymentId: string;
  deploymentName: string;
  provider: string;
  status: TraceStatus;
  errorKind?: string | null;
  fallbackDepth: number;
  latencyMs: number;
  startedAtMs?: number | null;
}

export interface SkipLike {
  deploymentId: string;
  /** "cooldown" | "rpm_limit" | "tpm_limit" */
  reason: string;
  /** Index of the attempt it came before (attempts.length: after all of them). */
  beforeAttempt?: number | null;
  /** The fallback tier it sits in. */
  fallbackDepth?: number | null;
}

export interface RequestLike {
  success: boolean;
  latencyMs: number;
  startedAtMs?: number | null;
  attempts: readonly AttemptLike[];
  skipped?: readonly SkipLike[] | null;
}

export interface DeploymentRef {
  deploymentId: string;
  deploymentName: string;
  provider: string;
}

export interface DeploymentCounts extends DeploymentRef {
  attempts: number;
  successes: number;
  latencySumMs: number;
  firstAttempts: number;
}

export interface FlowCount {
  from: string | null;
  to: string | null;
  reason: string;
  count: number;
}

export interface TrafficCounts {
  totalRequests: number;
  successfulRequests: number;
  latencySumMs: number;
  /** Listed deployments first, in their order, then others in order of first attempt. */
  deployments: readonly DeploymentCounts[];
  flow: Readonly<Record<string, FlowCount>>;
  /** Failed attempts per ErrorKind ("UNKNOWN" when the trace had none). */
  errorsByKind: Readonly<Record<string, number>>;
}

/** A row of the server's `trafficDistribution` (its counting fields). */
export type DeploymentTrafficStats = Omit<ServerSummary['trafficDistribution'][number], 'costUsd'>;

/** The server's `FlowStep`. */
export type FlowStep = ServerSummary['flowData'][number];

/** The counting part of the server's `SimulationSummary`. */
export type SummaryCounts = Pick<ServerSummary, 'totalRequests' | 'successfulRequests' | 'failedRequests' | 'avgLatencyMs'> & {
  trafficDistribution: readonly DeploymentTrafficStats[];
  flowData: readonly FlowStep[];
};

export const REASON_PRIMARY = 'primary';
export const REASON_SUCCESS = 'success';
export const REASON_FAILED = 'failed';
export const SKIPPED_PREFIX = 'skipped_';

export function flowKey(from: string | null, to: string | null, reason: string): string {
  // \u0001 cannot appear in an id, so keys never collide.
  return `${from ?? ''}\u0001${to ?? ''}\u0001${reason}`;
}

export function emptyCounts(deployments: readonly DeploymentRef[] = []): TrafficCounts {
  return {
    totalRequests: 0,
    successfulRequests: 0,
    latencySumMs: 0,
    deployments: deployments.map((d) => ({
      deploymentId: d.deploymentId,
      deploymentName: d.deploymentName,
      provider: d.provider,
      attempts: 0,
      successes: 0,
      latencySumMs: 0,
      firstAttempts: 0,
    })),
    flow: {},
    errorsByKind: {},
  };
}

type Visit = { skip: SkipLike; attempt?: undefined } | { attempt: AttemptLike; skip?: undefined };

/** Attempts and skips in the order the request met them (the server's `_visits`). */
function visits(request: RequestLike): Visit[] {
  const skipped = request.skipped ?? [];
  if (skipped.length === 0) return request.attempts.map((attempt) => ({ attempt }));
  const skips = [...skipped].sort((a, b) => (a.beforeAttempt ?? 0) - (b.beforeAttempt ?? 0));
  const out: Visit[] = [];
  let position = 0;
  request.attempts.forEach((attempt, index) => {
    while (position < skips.length && ((skips[position] as SkipLike).beforeAttempt ?? 0) <= index) {
      out.push({ skip: skips[position] as SkipLike });
      position += 1;
    }
    out.push({ attempt });
  });
  for (; position < skips.length; position += 1) out.push({ skip: skips[position] as SkipLike });
  return out;
}

const skipReason = (skip: SkipLike) => `${SKIPPED_PREFIX}${skip.reason}`;

function onwardReason(current: AttemptLike, following: AttemptLike): string {
  const kind = current.errorKind ? current.errorKind.toLowerCase() : 'error';
  return following.fallbackDepth > current.fallbackDepth ? `fallback_${kind}` : `retry_${kind}`;
}

/** The (from, to, reason) steps one request took (the server's `flow_edges`). */
export function flowSteps(request: RequestLike): [string | null, string | null, string][] {
  const first = request.attempts[0];
  const steps: [string | null, string | null, string][] = [
    first ? [null, first.deploymentId, REASON_PRIMARY] : [null, null, REASON_FAILED],
  ];
  let previous: AttemptLike | undefined;
  let passedOver: SkipLike[] = [];
  for (const visit of visits(request)) {
    if (visit.skip) {
      passedOver.push(visit.skip);
      continue;
    }
    const attempt = visit.attempt;
    for (const skip of passedOver) steps.push([skip.deploymentId, attempt.deploymentId, skipReason(skip)]);
    passedOver = [];
    if (previous) steps.push([previous.deploymentId, attempt.deploymentId, onwardReason(previous, attempt)]);
    previous = attempt;
  }
  for (const skip of passedOver) steps.push([skip.deploymentId, null, skipReason(skip)]);
  if (previous) {
    if (request.success) steps.push([previous.deploymentId, previous.deploymentId, REASON_SUCCESS]);
    else steps.push([previous.deploymentId, null, REASON_FAILED]);
  }
  return steps;
}

/** `state` plus one batch of finished requests; `state` is left untouched. */
export function applyBatch(state: TrafficCounts, requests: readonly RequestLike[]): TrafficCounts {
  if (requests.length === 0) return state;
  const deployments = state.deployments.map((d) => ({ ...d }));
  const index = new Map(deployments.map((d, i) => [d.deploymentId, i]));
  const flow: Record<string, FlowCount> = {};
  for (const [key, step] of Object.entries(state.flow)) flow[key] = { ...step };
  let totalRequests = state.totalRequests;
  let successfulRequests = state.successfulRequests;
  let latencySumMs = state.latencySumMs;
  const errorsByKind: Record<string, number> = { ...state.errorsByKind };

  for (const request of requests) {
    totalRequests += 1;
    if (request.success) successfulRequests += 1;
    latencySumMs += request.latencyMs;
    request.attempts.forEach((attempt, position) => {
      let at = index.get(attempt.deploymentId);
      if (at === undefined) {
        at = deployments.length;
        index.set(attempt.deploymentId, at);
        deployments.push({
          deploymentId: attempt.deploymentId,
          deploymentName: attempt.deploymentName,
          provider: attempt.provider,
          attempts: 0,
          successes: 0,
          latencySumMs: 0,
          firstAttempts: 0,
        });
      }
      const counts = deployments[at] as DeploymentCounts;
      counts.attempts += 1;
      if (attempt.status === 'SUCCESS') counts.successes += 1;
      else {
        const kind = attempt.errorKind ?? 'UNKNOWN';
        errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
      }
      counts.latencySumMs += attempt.latencyMs;
      if (position === 0) counts.firstAttempts += 1;
    });
    for (const [from, to, reason] of flowSteps(request)) {
      const key = flowKey(from, to, reason);
      const step = flow[key];
      if (step) step.count += 1;
      else flow[key] = { from, to, reason, count: 1 };
    }
  }
  return { totalRequests, successfulRequests, latencySumMs, deployments, flow, errorsByKind };
}

/** Per flow key, how many more requests took that step in `next` than in `previous`. */
export function flowDelta(previous: TrafficCounts, next: TrafficCounts): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [key, step] of Object.entries(next.flow)) {
    const more = step.count - (previous.flow[key]?.count ?? 0);
    if (more > 0) delta[key] = more;
  }
  return delta;
}

/**
 * The server's primary rule: the given ids (priority failover passes its first tier), else the
 * deployments that most often got a request's first attempt.
 */
function primaryIds(state: TrafficCounts, given?: readonly string[]): Set<string> {
  if (given) return new Set(given);
  const most = Math.max(0, ...state.deployments.map((d) => d.firstAttempts));
  if (most === 0) return new Set();
  return new Set(state.deployments.filter((d) => d.firstAttempts === most).map((d) => d.deploymentId));
}

export function trafficDistribution(
  state: TrafficCounts,
  givenPrimaryIds?: readonly string[],
): DeploymentTrafficStats[] {
  const totalAttempts = state.deployments.reduce((sum, d) => sum + d.attempts, 0);
  const primary = primaryIds(state, givenPrimaryIds);
  return state.deployments.map((d) => ({
    deploymentId: d.deploymentId,
    deploymentName: d.deploymentName,
    provider: d.provider,
    requestCount: d.attempts,
    successCount: d.successes,
    failureCount: d.attempts - d.successes,
    avgLatencyMs: d.attempts ? d.latencySumMs / d.attempts : 0,
    percentOfTotal: totalAttempts ? (100 * d.attempts) / totalAttempts : 0,
    wasPrimary: primary.has(d.deploymentId),
  }));
}

/** Flow steps in the server's order: entry steps, then by source deployment, then by target. */
export function flowData(state: TrafficCounts): FlowStep[] {
  const order = new Map(state.deployments.map((d, i) => [d.deploymentId, i]));
  const size = order.size;
  const rank = (id: string | null, none: number) => (id === null ? none : (order.get(id) ?? size));
  return Object.values(state.flow)
    .map((s) => ({ fromDeployment: s.from, toDeployment: s.to, requestCount: s.count, reason: s.reason }))
    .sort(
      (a, b) =>
        rank(a.fromDeployment, -1) - rank(b.fromDeployment, -1) ||
        rank(a.toDeployment, size) - rank(b.toDeployment, size) ||
        (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0),
    );
}

export function summaryCounts(state: TrafficCounts, givenPrimaryIds?: readonly string[]): SummaryCounts {
  return {
    totalRequests: state.totalRequests,
    successfulRequests: state.successfulRequests,
    failedRequests: state.totalRequests - state.successfulRequests,
    avgLatencyMs: state.totalRequests ? state.latencySumMs / state.totalRequests : 0,
    trafficDistribution: trafficDistribution(state, givenPrimaryIds),
    flowData: flowData(state),
  };
}

/** Counters that reproduce a summary exactly (for a finished run or a saved one). */
export function countsFromSummary(summary: SummaryCounts): TrafficCounts {
  const flow: Record<string, FlowCount> = {};
  for (const s of summary.flowData) {
    flow[flowKey(s.fromDeployment, s.toDeployment, s.reason)] = {
      from: s.fromDeployment,
      to: s.toDeployment,
      reason: s.reason,
      count: s.requestCount,
    };
  }
  const firstAttempts = new Map<string, number>();
  // A summary names the kind of every failed attempt that led somewhere (fallback_<kind>,
  // retry_<kind>); a request's last failure is only "failed".
  const errorsByKind: Record<string, number> = {};
  for (const s of summary.flowData) {
    const kind = /^(?:fallback|retry)_(.+)$/.exec(s.reason)?.[1];
    const key = kind ? kind.toUpperCase() : s.reason === REASON_FAILED && s.fromDeployment !== null ? 'FINAL' : null;
    if (key) errorsByKind[key] = (errorsByKind[key] ?? 0) + s.requestCount;
  }
  for (const s of summary.flowData) {
    if (s.fromDeployment === null && s.toDeployment !== null) {
      firstAttempts.set(s.toDeployment, (firstAttempts.get(s.toDeployment) ?? 0) + s.requestCount);
    }
  }
  return {
    totalRequests: summary.totalRequests,
    successfulRequests: summary.successfulRequests,
    latencySumMs: summary.avgLatencyMs * summary.totalRequests,
    deployments: summary.trafficDistribution.map((d) => ({
      deploymentId: d.deploymentId,
      deploymentName: d.deploymentName,
      provider: d.provider,
      attempts: d.requestCount,
      successes: d.successCount,
      latencySumMs: d.avgLatencyMs * d.requestCount,
      firstAttempts: firstAttempts.get(d.deploymentId) ?? 0,
    })),
    flow,
    errorsByKind,
  };
}

/**
 * Where the live counters disagree with a summary: request totals, per-deployment
 * attempts/successes/failures, and every flow step. Empty when they agree exactly.
 */
export function countMismatches(state: TrafficCounts, summary: SummaryCounts): string[] {
  const problems: string[] = [];
  const mine = summaryCounts(state);
  for (const field of ['totalRequests', 'successfulRequests', 'failedRequests'] as const) {
    if (mine[field] !== summary[field]) problems.push(`${field}: ${mine[field]} != ${summary[field]}`);
  }
  const theirs = new Map(summary.trafficDistribution.map((d) => [d.deploymentId, d]));
  const ids = new Set([...theirs.keys(), ...mine.trafficDistribution.map((d) => d.deploymentId)]);
  const ours = new Map(mine.trafficDistribution.map((d) => [d.deploymentId, d]));
  for (const id of ids) {
    for (const field of ['requestCount', 'successCount', 'failureCount'] as const) {
      const a = ours.get(id)?.[field] ?? 0;
      const b = theirs.get(id)?.[field] ?? 0;
      if (a !== b) problems.push(`${id}.${field}: ${a} != ${b}`);
    }
  }
  const steps = new Map(summary.flowData.map((s) => [flowKey(s.fromDeployment, s.toDeployment, s.reason), s.requestCount]));
  for (const key of new Set([...steps.keys(), ...Object.keys(state.flow)])) {
    const a = state.flow[key]?.count ?? 0;
    const b = steps.get(key) ?? 0;
    if (a !== b) problems.push(`flow ${key.replaceAll('\u0001', ' -> ')}: ${a} != ${b}`);
  }
  return problems;
}
