// "Apply this change": the what-if draft as the update that saves it. The simulation's draft
// patch names only what the strategy uses (a priority for failover, a weight for weighted);
// saving must keep the rest of each deployment as it is (its other number, its display name).
import type { RoutingGroupPatch } from '@/gql/graphql';
import type { SimulationGroup } from '../types';
import { draftToPatch, type DraftForm } from './draft';

export function applyPatch(group: SimulationGroup, draft: DraftForm): RoutingGroupPatch | null {
  const { patch } = draftToPatch(draft);
  if (!patch) return null;
  const saved = new Map(group.deployments.map((d) => [d.modelId, d]));
  const drafted = new Map((patch.deployments ?? []).map((d) => [d.modelId, d]));
  return {
    ...patch,
    deployments: draft.deployments.map(({ modelId }) => {
      const before = saved.get(modelId);
      const after = drafted.get(modelId);
      return {
        modelId,
        priority: after?.priority !== undefined ? after.priority : (before?.priority ?? null),
        weight: after?.weight !== undefined ? after.weight : (before?.weight ?? null),
        displayName: before?.displayName ?? null,
      };
    }),
  };
}

export type ApplyOutcome =
  | { kind: 'applied'; version: number }
  | { kind: 'conflict'; currentVersion: number | null; message: string }
  | { kind: 'error'; message: string };

/** The mutation's answer (or transport error) as what the user is told. */
export function applyOutcome(
  result: { __typename: string; version?: number; currentVersion?: number | null; message?: string } | null | undefined,
  transportError?: string | null,
): ApplyOutcome {
  if (transportError) return { kind: 'error', message: transportError };
  if (!result) return { kind: 'error', message: 'The server gave no answer.' };
  if (result.__typename === 'RoutingGroup') return { kind: 'applied', version: result.version ?? 0 };
  if (result.__typename === 'ConflictError') {
    return { kind: 'conflict', currentVersion: result.currentVersion ?? null, message: result.message ?? '' };
  }
  return { kind: 'error', message: result.message ?? result.__typename };
}
