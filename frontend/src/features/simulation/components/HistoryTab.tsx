import type { SimulationTabProps } from '../types';

// Placeholder: the simulation feature replaces this body.
export function HistoryTab({ group }: SimulationTabProps) {
  return (
    <section className="panel">
      <h2>History</h2>
      <p className="muted">Coming soon for {group.routingGroupName}.</p>
    </section>
  );
}
