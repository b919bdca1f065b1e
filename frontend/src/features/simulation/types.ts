import type { RoutingStrategy } from '@/gql/graphql';
import type { GroupDeploymentsSource } from '@/components/flow/group-deployments';

/** What the tester, simulator and history tabs get from the group detail page. */
export interface SimulationGroup {
  routingGroupId: string;
  routingGroupName: string;
  routingStrategy: RoutingStrategy;
  /** The saved version: History's revert sends it as expectedVersion. */
  version?: number | null;
  deployments: GroupDeploymentsSource['deployments'];
  /** The settings a what-if draft starts from (the group detail page passes the whole group). */
  retryConfig?: { numRetries: number } | null;
  cooldownConfig?: { allowedFails: number; cooldownTimeSeconds: number } | null;
  settings?: { maxFallbacks: number; timeoutSeconds?: number | null } | null;
}

export interface SimulationTabProps {
  group: SimulationGroup;
  /** The group was saved from this tab (a what-if applied): the page reloads it. */
  onSaved?: () => void;
}
