// A finished run as files: JSON (input + the server's summary, as received) and CSV (one table
// per section: totals, deployments, timeline, flow steps, cooldowns).
import type { RunSummary } from '../hooks/use-simulation-run';

export interface RunExport {
  simulationId: string;
  routingGroupId: string;
  input: unknown;
  summary: RunSummary;
}

/** urql adds `__typename` to every object it returns: a client detail, not part of the run. */
function withoutTypenames(key: string, value: unknown): unknown {
  return key === '__typename' ? undefined : value;
}

export function runJson(run: RunExport): string {
  return `${JSON.stringify(run, withoutTypenames, 2)}\n`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function table(title: string, header: string[], rows: unknown[][]): string {
  return [`# ${title}`, header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n');
}

export function runCsv(run: RunExport): string {
  const s = run.summary;
  const sections = [
    table(
      'totals',
      ['simulationId', 'totalRequests', 'successfulRequests', 'failedRequests', 'avgLatencyMs', 'p50LatencyMs', 'p95LatencyMs', 'p99LatencyMs', 'durationMs', 'simulatedDurationMs', 'clock', 'seed', 'totalCostUsd', 'cancelled'],
      [[s.simulationId, s.totalRequests, s.successfulRequests, s.failedRequests, s.avgLatencyMs, s.p50LatencyMs, s.p95LatencyMs, s.p99LatencyMs, s.durationMs, s.simulatedDurationMs, s.clock, s.seed, s.totalCostUsd, s.cancelled]],
    ),
    table(
      'deployments',
      ['deploymentId', 'deploymentName', 'provider', 'requestCount', 'successCount', 'failureCount', 'avgLatencyMs', 'percentOfTotal', 'wasPrimary', 'costUsd'],
      s.trafficDistribution.map((d) => [d.deploymentId, d.deploymentName, d.provider, d.requestCount, d.successCount, d.failureCount, d.avgLatencyMs, d.percentOfTotal, d.wasPrimary, d.costUsd]),
    ),
    table(
      'timeline',
      ['startMs', 'endMs', 'requests', 'failedRequests', 'deploymentId', 'attempts', 'successes', 'failures', 'coolingDown', 'p50LatencyMs'],
      s.timeline.flatMap((b) =>
        b.deployments.map((d) => [b.startMs, b.endMs, b.requests, b.failedRequests, d.deploymentId, d.attempts, d.successes, d.failures, d.coolingDown, d.p50LatencyMs]),
      ),
    ),
    table(
      'flow',
      ['fromDeployment', 'toDeployment', 'reason', 'requestCount'],
      s.flowData.map((f) => [f.fromDeployment, f.toDeployment, f.reason, f.requestCount]),
    ),
    table(
      'cooldowns',
      ['deploymentId', 'startMs', 'endMs'],
      s.cooldowns.map((c) => [c.deploymentId, c.startMs, c.endMs]),
    ),
  ];
  const replay = s.replay;
  if (replay) {
    sections.push(
      table(
        'replay',
        ['recordedRequests', 'replayedRequests', 'sameFinalDeployment', 'recordedCostUsd', 'recordedP50LatencyMs', 'recordedP95LatencyMs', 'assumedDeployments'],
        [[replay.recordedRequests, replay.replayedRequests, replay.sameFinalDeployment, replay.recordedCostUsd, replay.recordedP50LatencyMs, replay.recordedP95LatencyMs, replay.assumedDeployments.join(' ')]],
      ),
      table(
        'recorded deployments',
        ['deploymentId', 'deploymentName', 'provider', 'requestCount', 'successCount', 'failureCount', 'avgLatencyMs', 'percentOfTotal', 'costUsd'],
        replay.recorded.map((d) => [d.deploymentId, d.deploymentName, d.provider, d.requestCount, d.successCount, d.failureCount, d.avgLatencyMs, d.percentOfTotal, d.costUsd]),
      ),
    );
  }
  return `${sections.join('\n\n')}\n`;
}

/** Offers `text` as a file download. */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
