// Everything one run shows: the timeline first (it is what moves while a run streams), the
// totals, the flow, the per-deployment table and the errors. Given another run (what-if or two
// saved runs), differences against it are marked.
import { useMemo } from 'react';
import type { RoutingStrategy } from '@/gql/graphql';
import { buildDiagram, orderedDeployments } from '@/components/flow/flow-diagram';
import type { GroupDeploymentRef } from '@/components/flow/group-deployments';
import type { RunView } from '../utils/run-view';
import { flowData, trafficDistribution, type DeploymentRef, type TrafficCounts } from '@/components/flow/traffic-counts';
import { ErrorsByKind } from './ErrorsByKind';
import { ExportButtons } from './ExportButtons';
import { FlowDiagram } from '@/components/flow/FlowDiagram';
import { FlowStepsTable } from './FlowStepsTable';
import { StoppedReason } from './StoppedReason';
import { SummaryStats } from './SummaryStats';
import { TimelineChart } from './TimelineChart';
import { TrafficBars, type DeploymentRow } from './TrafficBars';
import '../simulation.css';

interface SimulationResultsProps {
  strategy: RoutingStrategy;
  deployments: readonly GroupDeploymentRef[];
  view: RunView;
  /** Compare against this run: differences are marked on this one. */
  other?: RunView | null;
  title?: string;
  /** When set, the finished run can be exported. */
  exportAs?: { routingGroupId: string; input: unknown; name: string } | null;
}

function rows(
  strategy: RoutingStrategy,
  deployments: readonly GroupDeploymentRef[],
  ordered: readonly DeploymentRef[],
  view: RunView,
): DeploymentRow[] {
  const { counts, summary } = view;
  // Priority failover's first tier is the primary, as on the server; other strategies pick
  // the deployment that got the most first attempts.
  const primaryIds = strategy === 'PRIORITY_FAILOVER' && ordered[0] ? [ordered[0].deploymentId] : undefined;
  const base: DeploymentRow[] = summary?.trafficDistribution ?? trafficDistribution(counts, primaryIds);
  const weights = new Map(deployments.map((d) => [d.deploymentId, d.weight ?? 1]));
  const weightSum = [...weights.values()].reduce((a, b) => a + b, 0);
  const first = new Map(counts.deployments.map((d) => [d.deploymentId, d.firstAttempts]));
  const total = counts.totalRequests;
  return base.map((d) => ({
    ...d,
    targetPercent: strategy === 'WEIGHTED' && weightSum > 0 ? (100 * (weights.get(d.deploymentId) ?? 0)) / weightSum : null,
    firstChoicePercent: total ? (100 * (first.get(d.deploymentId) ?? 0)) / total : null,
  }));
}

function edgeCounts(strategy: RoutingStrategy, ordered: readonly DeploymentRef[], counts: TrafficCounts): Map<string, number> {
  return new Map(buildDiagram(strategy, ordered, counts).edges.map((e) => [e.id, e.count]));
}

const FIELD = '\u0001';
const ROW = '\u0002';

/**
 * The deployments in diagram order, as the same array for as long as the order and names stay
 * the same: the counters change every frame, the order almost never, and the timeline chart
 * (memoised) redraws only when its inputs change.
 */
function useDiagramOrder(strategy: RoutingStrategy, deployments: readonly GroupDeploymentRef[], counts: TrafficCounts): DeploymentRef[] {
  const key = orderedDeployments(strategy, deployments, counts)
    .map((d) => [d.deploymentId, d.deploymentName, d.provider].join(FIELD))
    .join(ROW);
  return useMemo(
    () =>
      key === ''
        ? []
        : key.split(ROW).map((row) => {
            const [deploymentId = '', deploymentName = '', provider = ''] = row.split(FIELD);
            return { deploymentId, deploymentName, provider };
          }),
    [key],
  );
}

export function SimulationResults({ strategy, deployments, view, other, title, exportAs }: SimulationResultsProps) {
  const { counts, summary } = view;
  // The counters change every frame, the order rarely: the timeline redraws only when it does.
  const ordered = useDiagramOrder(strategy, deployments, counts);
  const distribution = rows(strategy, deployments, ordered, view);
  const otherDistribution = other ? rows(strategy, deployments, ordered, other) : null;
  const steps = summary?.flowData ?? flowData(counts);
  const differences = useMemo(() => {
    if (!other) return undefined;
    const mine = edgeCounts(strategy, ordered, counts);
    const theirs = edgeCounts(strategy, ordered, other.counts);
    const out: Record<string, number> = {};
    for (const id of new Set([...mine.keys(), ...theirs.keys()])) {
      const d = (mine.get(id) ?? 0) - (theirs.get(id) ?? 0);
      if (d !== 0) out[id] = d;
    }
    return out;
  }, [other, strategy, ordered, counts]);

  return (
    <div className="sim-stack sim-results" data-testid="sim-results">
      {title && <h3 className="sim-results-title">{title}</h3>}
      <StoppedReason reason={summary?.stoppedReason} />
      <TimelineChart
        buckets={view.buckets}
        deployments={ordered}
        cooldowns={view.cooldowns}
        incidents={view.incidents}
        cursorMs={view.cursorMs}
        domainMs={view.domainMs}
      />
      <SummaryStats view={view} other={other} />
      <section>
        <h3>Request flow</h3>
        <FlowDiagram strategy={strategy} deployments={ordered} counts={counts} recent={view.recent} differences={differences} />
      </section>
      <section>
        <h3>Per deployment</h3>
        <TrafficBars strategy={strategy} distribution={distribution} other={otherDistribution} />
      </section>
      <section>
        <h3>Errors by kind</h3>
        <ErrorsByKind errors={counts.errorsByKind} />
      </section>
      <FlowStepsTable steps={steps} />
      {exportAs && summary && <ExportButtons target={exportAs} summary={summary} />}
    </div>
  );
}
