import { useMemo } from 'react';
import type { RoutingGroupFieldsFragment } from '@/gql/graphql';
import type { LiveRequest } from '@/features/live-traffic/utils/live-requests';
import { FlowDiagram } from '@/features/simulation/components/FlowDiagram';
import { orderedDeployments } from '@/features/simulation/utils/flow-diagram';
import { groupDeploymentRefs } from '@/features/simulation/utils/group-deployments';
import { applyBatch, emptyCounts } from '@/features/simulation/utils/traffic-counts';

/** The simulator's flow diagram, fed with the group's recent real requests. */
export function LiveFlow({ group, requests }: { group: RoutingGroupFieldsFragment; requests: readonly LiveRequest[] }) {
  const refs = useMemo(() => groupDeploymentRefs(group), [group]);
  const counts = useMemo(() => applyBatch(emptyCounts(refs), requests), [refs, requests]);
  const ordered = useMemo(() => orderedDeployments(group.routingStrategy, refs, counts), [group, refs, counts]);
  return (
    <div className="live-flow" data-testid="live-flow">
      <FlowDiagram strategy={group.routingStrategy} deployments={ordered} counts={counts} />
    </div>
  );
}
