// The simulator tab: a scenario you describe (TrafficSimulator), or a replay of what the group
// really served (ReplayMode). The mode is in the address (?mode=replay), so it can be linked.
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { SimulationTabProps } from '../types';
import { ReplayMode } from './ReplayMode';
import { TrafficSimulator } from './TrafficSimulator';
import '../replay.css';

type Mode = 'scenario' | 'replay';

const MODES: readonly { value: Mode; label: string }[] = [
  { value: 'scenario', label: 'Scenario' },
  { value: 'replay', label: 'Replay recorded traffic' },
];

export function SimulatorTab(props: SimulationTabProps) {
  const [params, setParams] = useSearchParams();
  // Held here too: the address updates a moment later (a navigation), the radio at once.
  const [mode, setMode] = useState<Mode>(() => (params.get('mode') === 'replay' ? 'replay' : 'scenario'));
  const choose = (next: Mode) => {
    setMode(next);
    setParams(next === 'replay' ? { mode: 'replay' } : {}, { replace: true });
  };
  return (
    <div>
      <fieldset className="sim-mode">
        <legend>Simulate</legend>
        {MODES.map((m) => (
          <label key={m.value} className="inline-check">
            <input
              type="radio"
              name="simulator-mode"
              value={m.value}
              checked={mode === m.value}
              onChange={() => choose(m.value)}
            />
            {m.label}
          </label>
        ))}
      </fieldset>
      {mode === 'replay' ? <ReplayMode {...props} /> : <TrafficSimulator {...props} />}
    </div>
  );
}
