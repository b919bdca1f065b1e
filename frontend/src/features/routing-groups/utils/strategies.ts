import type { RoutingStrategy } from '@/gql/graphql';
import { STRATEGY_LABELS } from '@/lib/strategy-names';

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
    label: STRATEGY_LABELS.PRIORITY_FAILOVER,
    explanation: 'Ordered: the first deployment that succeeds wins.',
    criterion: 'in order',
  },
  {
    value: 'SIMPLE_SHUFFLE',
    label: STRATEGY_LABELS.SIMPLE_SHUFFLE,
    explanation: 'Even distribution across all deployments.',
    criterion: 'even',
  },
  {
    value: 'WEIGHTED',
    label: STRATEGY_LABELS.WEIGHTED,
    explanation: 'Custom traffic split by weight.',
    criterion: 'weight',
  },
  {
    value: 'LEAST_BUSY',
    label: STRATEGY_LABELS.LEAST_BUSY,
    explanation: 'Sends to the deployment with the fewest requests in flight.',
    criterion: 'fewest in flight',
  },
  {
    value: 'LATENCY_BASED',
    label: STRATEGY_LABELS.LATENCY_BASED,
    explanation: 'Sends to the fastest deployment.',
    criterion: 'fastest',
  },
  {
    value: 'COST_BASED',
    label: STRATEGY_LABELS.COST_BASED,
    explanation: 'Sends to the cheapest deployment.',
    criterion: 'cheapest',
  },
  {
    value: 'USAGE_BASED',
    label: STRATEGY_LABELS.USAGE_BASED,
    explanation: 'TPM/RPM aware: sends to the deployment with the most headroom.',
    criterion: 'most headroom',
  },
];

export function strategyInfo(strategy: RoutingStrategy): StrategyInfo {
  const info = STRATEGIES.find((s) => s.value === strategy);
  if (!info) throw new Error(`unknown routing strategy ${strategy}`);
  return info;
}
