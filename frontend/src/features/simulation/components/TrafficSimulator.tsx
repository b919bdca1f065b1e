import type { SimulationTabProps } from '../types';

// Placeholder: the simulation feature replaces this body.
export function TrafficSimulator({ group }: SimulationTabProps) {
  return (
    <section className="panel">
      <h2>Traffic Simulator</h2>
      <p className="muted">Coming soon for {group.routingGroupName}.</p>
    </section>
  );
}
