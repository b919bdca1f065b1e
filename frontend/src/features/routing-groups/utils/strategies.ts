import type { RoutingStrategy } from '@/gql/graphql';

export interface StrategyInfo {
  value: RoutingStrategy;
  label: string;
  explanation: string;
  /** What the router picks by, shown on the flow preview's fan-out edges. */
  criterion: string;
}

export const STRATEGIES: readonly StrategyInfo[] = [
  {
    value: 'PRIORITY_FAILOVER',
    label: 'Priority Failover',
    explanation: 'Ordered: the first deployment that succeeds wins.',
    criterion: 'in order',
  },
  {
    value: 'SIMPLE_SHUFFLE',
    label: 'Round Robin',
    explanation: 'Even distribution across all deployments.',
    criterion: 'even',
  },
  {
    value: 'WEIGHTED',
    label: 'Weighted',
    explanation: 'Custom traffic split by weight.',
    criterion: 'weight',
  },
  {
    value: 'LEAST_BUSY',
    label: 'Least Busy',
    explanation: 'Sends to the deployment with the fewest requests in flight.',
    criterion: 'fewest in flight',
  },
  {
    value: 'LATENCY_BASED',
    label: 'Latency-Based',
    explanation: 'Sends to the fastest deployment.',
    criterion: 'fastest',
  },
  {
    value: 'COST_BASED',
    label: 'Cost-Based',
    explanation: 'Sends to the cheapest deployment.',
    criterion: 'cheapest',
  },
  {
    value: 'USAGE_BASED',
    label: 'Usage-Based',
    explanation: 'TPM/RPM aware: sends to the deployment with the most headroom.',
    criterion: 'most headroom',
  },
];

export function strategyInfo(strategy: RoutingStrategy): StrategyInfo {
  const info = STRATEGIES.find((s) => s.value === strategy);
  if (!info) throw new Error(`unknown routing strategy ${strategy}`);
  return info;
}
