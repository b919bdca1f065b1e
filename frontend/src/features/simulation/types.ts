import type { RoutingStrategy } from '@/gql/graphql';

/** What the tester, simulator and history tabs get from the group detail page. */
export interface SimulationGroup {
  routingGroupId: string;
  routingGroupName: string;
  routingStrategy: RoutingStrategy;
  deployments: ReadonlyArray<{
    modelId: string;
    modelName: string;
    provider: string;
    priority?: number | null;
    weight?: number | null;
    displayName?: string | null;
  }>;
}

export interface SimulationTabProps {
  group: SimulationGroup;
}
