// What-if: the group's routing settings as an editable draft, sent as the simulation's
// `draft` (a RoutingGroupPatch applied to the saved group for that run only).
import type { RoutingGroupPatch, RoutingStrategy } from '@/gql/graphql';
import type { SimulationGroup } from '../types';
import { STRATEGY_LABELS } from '@/lib/strategy-names';

export interface DraftForm {
  routingStrategy: RoutingStrategy;
  deployments: { modelId: string; priority: string; weight: string }[];
  numRetries: string;
  allowedFails: string;
  cooldownTimeSeconds: string;
  maxFallbacks: string;
  timeoutSeconds: string;
}

const text = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

export function draftFromGroup(group: SimulationGroup): DraftForm {
  return {
    routingStrategy: group.routingStrategy,
    deployments: group.deployments.map((d, i) => ({
      modelId: d.modelId,
      priority: text(d.priority ?? i + 1),
      weight: text(d.weight ?? 1),
    })),
    numRetries: text(group.retryConfig?.numRetries ?? 0),
    allowedFails: text(group.cooldownConfig?.allowedFails ?? 3),
    cooldownTimeSeconds: text(group.cooldownConfig?.cooldownTimeSeconds ?? 60),
    maxFallbacks: text(group.settings?.maxFallbacks ?? 5),
    timeoutSeconds: text(group.settings?.timeoutSeconds),
  };
}

function whole(value: string): number | null {
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

function decimal(value: string): number | null {
  const n = Number(value.trim());
  return value.trim() !== '' && Number.isFinite(n) && n >= 0 ? n : null;
}

export type DraftErrors = Partial<Record<string, string>>;

/** The patch to simulate, or what is wrong with the draft (the server validates it too). */
export function draftToPatch(draft: DraftForm): { patch: RoutingGroupPatch; errors: null } | { patch: null; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const failover = draft.routingStrategy === 'PRIORITY_FAILOVER';
  const weighted = draft.routingStrategy === 'WEIGHTED';
  const deployments = draft.deployments.map((d) => {
    const priority = whole(d.priority);
    const weight = whole(d.weight);
    if (failover && (priority === null || priority < 1)) errors[`draft.${d.modelId}.priority`] = 'A whole number, 1 or more';
    if (weighted && (weight === null || weight < 1)) errors[`draft.${d.modelId}.weight`] = 'A whole number, 1 or more';
    return {
      modelId: d.modelId,
      ...(failover ? { priority } : {}),
      ...(weighted ? { weight } : {}),
    };
  });
  const numRetries = whole(draft.numRetries);
  const allowedFails = whole(draft.allowedFails);
  const cooldown = decimal(draft.cooldownTimeSeconds);
  const maxFallbacks = whole(draft.maxFallbacks);
  const timeout = draft.timeoutSeconds.trim() === '' ? null : decimal(draft.timeoutSeconds);
  if (numRetries === null) errors['draft.numRetries'] = 'A whole number';
  if (allowedFails === null) errors['draft.allowedFails'] = 'A whole number';
  if (cooldown === null) errors['draft.cooldownTimeSeconds'] = 'Seconds, 0 or more';
  if (maxFallbacks === null) errors['draft.maxFallbacks'] = 'A whole number';
  if (draft.timeoutSeconds.trim() !== '' && timeout === null) errors['draft.timeoutSeconds'] = 'Seconds, or empty';
  if (Object.keys(errors).length > 0) return { patch: null, errors };
  return {
    patch: {
      routingStrategy: draft.routingStrategy,
      deployments,
      retryConfig: { numRetries: numRetries as number },
      cooldownConfig: { allowedFails: allowedFails as number, cooldownTimeSeconds: cooldown as number },
      settings: { maxFallbacks: maxFallbacks as number, timeoutSeconds: timeout },
    },
    errors: null,
  };
}

/** Short lines naming what the draft changes against the saved group. */
export function draftChanges(group: SimulationGroup, draft: DraftForm): string[] {
  const saved = draftFromGroup(group);
  const changes: string[] = [];
  if (saved.routingStrategy !== draft.routingStrategy) changes.push(`strategy ${STRATEGY_LABELS[saved.routingStrategy]} → ${STRATEGY_LABELS[draft.routingStrategy]}`);
  for (const [key, label] of [
    ['numRetries', 'retries'],
    ['allowedFails', 'allowed fails'],
    ['cooldownTimeSeconds', 'cooldown s'],
    ['maxFallbacks', 'max fallbacks'],
    ['timeoutSeconds', 'timeout s'],
  ] as const) {
    if (saved[key] !== draft[key]) changes.push(`${label} ${saved[key] || '—'} → ${draft[key] || '—'}`);
  }
  draft.deployments.forEach((d, i) => {
    const s = saved.deployments[i];
    if (!s) return;
    if (draft.routingStrategy === 'PRIORITY_FAILOVER' && s.priority !== d.priority) changes.push(`${d.modelId} priority ${s.priority} → ${d.priority}`);
    if (draft.routingStrategy === 'WEIGHTED' && s.weight !== d.weight) changes.push(`${d.modelId} weight ${s.weight} → ${d.weight}`);
  });
  return changes;
}
