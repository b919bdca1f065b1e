import type { RoutingStrategy } from '@/gql/graphql';
import { strategyInfo } from '../utils/strategies';

export function StrategyBadge({ strategy }: { strategy: RoutingStrategy }) {
  const info = strategyInfo(strategy);
  return (
    <span className={`badge strategy-badge strategy-${strategy.toLowerCase()}`} title={info.explanation}>
      {info.label}
    </span>
  );
}
