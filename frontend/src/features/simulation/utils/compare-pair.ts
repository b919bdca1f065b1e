// "Compare with a change": the saved group's input and the draft's, made to differ only in the
// draft. One seed, and one startAt: rpm/tpm windows are calendar minutes, so two runs that each
// started "now" a few milliseconds apart could sit in different minutes of their budget.
import type { RoutingGroupPatch, SimulationInput } from '@/gql/graphql';

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

export function comparePair(
  input: SimulationInput,
  patch: RoutingGroupPatch,
  now: Date = new Date(),
  seed: () => number = randomSeed,
): { saved: SimulationInput; drafted: SimulationInput } {
  // The wall clock starts now whatever it is told (the server refuses startAt there), and a
  // replay starts at its window's own start unless told otherwise.
  const virtual = input.clock !== 'WALL';
  const startAt = input.startAt ?? (virtual && !input.replay ? now.toISOString() : null);
  const saved: SimulationInput = { ...input, seed: input.seed ?? seed(), ...(startAt ? { startAt } : {}) };
  return { saved, drafted: { ...saved, draft: patch } };
}
