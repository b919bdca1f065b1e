import type { SimulationTabProps } from '../types';

// Placeholder: the simulation feature replaces this body.
export function LiveTester({ group }: SimulationTabProps) {
  return (
    <section className="panel">
      <h2>Live Tester</h2>
      <p className="muted">Coming soon for {group.routingGroupName}.</p>
    </section>
  );
}
