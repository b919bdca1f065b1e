import { useMemo } from 'react';
import type { RoutingStrategy, SimulationSummaryFieldsFragment } from '@/gql/graphql';
import { orderedDeployments } from '../utils/flow-diagram';
import type { GroupDeploymentRef } from '../utils/group-deployments';
import { flowData, trafficDistribution, type TrafficCounts } from '../utils/traffic-counts';
import { FlowDiagram } from './FlowDiagram';
import { FlowStepsTable } from './FlowStepsTable';
import { SummaryStats } from './SummaryStats';
import { TrafficBars } from './TrafficBars';


interface SimulationResultsProps {
  strategy: RoutingStrategy;
  deployments: readonly GroupDeploymentRef[];
  counts: TrafficCounts;
  recent?: Readonly<Record<string, number>>;
  summary: SimulationSummaryFieldsFragment | null;
}

/** Totals, per-deployment bars and the flow diagram, live or from a summary. */
export function SimulationResults({ strategy, deployments, counts, recent, summary }: SimulationResultsProps) {
  const ordered = useMemo(() => orderedDeployments(strategy, deployments, counts), [strategy, deployments, counts]);
  // Priority failover's first tier is the primary, as on the server; other strategies pick
  // the deployment that got the most first attempts.
  const primaryIds = useMemo(
    () => (strategy === 'PRIORITY_FAILOVER' && ordered[0] ? [ordered[0].deploymentId] : undefined),
    [strategy, ordered],
  );
  const distribution = summary?.trafficDistribution ?? trafficDistribution(counts, primaryIds);
  const steps = summary?.flowData ?? flowData(counts);
  return (
    <div className="sim-stack">
      <SummaryStats counts={counts} summary={summary} />
      <section>
        <h3>Traffic per deployment</h3>
        <TrafficBars distribution={distribution} />
      </section>
      <section>
        <h3>Request flow</h3>
        <FlowDiagram strategy={strategy} deployments={ordered} counts={counts} recent={recent} />
        <FlowStepsTable steps={steps} />
      </section>
    </div>
  );
}
