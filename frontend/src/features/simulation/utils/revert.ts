import type { RoutingGroupPatch, RoutingStrategy } from '@/gql/graphql';

/** A revision's `after` snapshot (the server's model_dump) -> the patch that restores it. */
export function patchFromSnapshot(snapshot: unknown): RoutingGroupPatch | null {
  if (!snapshot || typeof snapshot !== 'object') return null;
  const s = snapshot as {
    name?: string;
    description?: string | null;
    strategy?: RoutingStrategy;
    deployments?: { model_id: string; priority?: number | null; weight?: number | null; display_name?: string | null }[];
    retry?: { num_retries: number };
    cooldown?: { allowed_fails: number; cooldown_time_seconds: number };
    settings?: { max_fallbacks: number; timeout_seconds?: number | null };
    assigned_team_ids?: string[];
    assigned_key_ids?: string[];
    is_active?: boolean;
  };
  if (!s.name || !s.strategy || !s.deployments) return null;
  return {
    routingGroupName: s.name,
    description: s.description ?? null,
    routingStrategy: s.strategy,
    deployments: s.deployments.map((d) => ({
      modelId: d.model_id,
      priority: d.priority ?? null,
      weight: d.weight ?? null,
      displayName: d.display_name ?? null,
    })),
    retryConfig: s.retry ? { numRetries: s.retry.num_retries } : undefined,
    cooldownConfig: s.cooldown
      ? { allowedFails: s.cooldown.allowed_fails, cooldownTimeSeconds: s.cooldown.cooldown_time_seconds }
      : undefined,
    settings: s.settings
      ? { maxFallbacks: s.settings.max_fallbacks, timeoutSeconds: s.settings.timeout_seconds ?? null }
      : undefined,
    assignedTeamIds: s.assigned_team_ids ?? [],
    assignedKeyIds: s.assigned_key_ids ?? [],
    isActive: s.is_active ?? true,
  };
}

/** Team ids in a diff value, shown as the team's name. */
export function withTeamNames(text: string | undefined, names: ReadonlyMap<string, string>): string | undefined {
  if (text === undefined || names.size === 0) return text;
  let out = text;
  for (const [id, alias] of names) out = out.split(id).join(alias);
  return out;
}
