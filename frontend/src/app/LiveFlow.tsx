import { useMemo } from 'react';
import type { RoutingGroupFieldsFragment } from '@/gql/graphql';
import { FlowDiagram } from '@/components/flow/FlowDiagram';
import { orderedDeployments } from '@/components/flow/flow-diagram';
import { groupDeploymentRefs } from '@/components/flow/group-deployments';
import { applyBatch, emptyCounts, type RequestLike } from '@/components/flow/traffic-counts';

/** The shared flow diagram (the simulator's), fed with the group's recent real requests. */
export function LiveFlow({ group, requests }: { group: RoutingGroupFieldsFragment; requests: readonly RequestLike[] }) {
  const refs = useMemo(() => groupDeploymentRefs(group), [group]);
  const counts = useMemo(() => applyBatch(emptyCounts(refs), requests), [refs, requests]);
  const ordered = useMemo(() => orderedDeployments(group.routingStrategy, refs, counts), [group, refs, counts]);
  return (
    <div className="live-flow" data-testid="live-flow">
      <FlowDiagram strategy={group.routingStrategy} deployments={ordered} counts={counts} />
    </div>
  );
}
