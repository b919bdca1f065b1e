import type { RoutingStrategy } from '@/gql/graphql';
import { STRATEGIES } from '../utils/strategies';
import '../routing-groups.css';

interface StrategyPickerProps {
  value: RoutingStrategy;
  onChange: (strategy: RoutingStrategy) => void;
}

export function StrategyPicker({ value, onChange }: StrategyPickerProps) {
  return (
    <fieldset className="strategy-picker">
      <legend>Routing strategy</legend>
      {STRATEGIES.map((strategy) => (
        <label
          key={strategy.value}
          className={`strategy-option ${strategy.value === value ? 'selected' : ''}`}
        >
          <input
            type="radio"
            name="routingStrategy"
            value={strategy.value}
            checked={strategy.value === value}
            onChange={() => onChange(strategy.value)}
          />
          <span className="strategy-option-text">
            <strong>{strategy.label}</strong>
            <span className="muted">{strategy.explanation}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
