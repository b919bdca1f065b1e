import type { RoutingStrategy } from '@/gql/graphql';

/** What every page calls a strategy (never the enum's PRIORITY_FAILOVER). */
export const STRATEGY_LABELS: Readonly<Record<RoutingStrategy, string>> = {
  PRIORITY_FAILOVER: 'Priority Failover',
  SIMPLE_SHUFFLE: 'Round Robin',
  WEIGHTED: 'Weighted',
  LEAST_BUSY: 'Least Busy',
  LATENCY_BASED: 'Latency-Based',
  COST_BASED: 'Cost-Based',
  USAGE_BASED: 'Usage-Based',
};
