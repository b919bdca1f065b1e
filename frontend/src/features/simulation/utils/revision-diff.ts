// A version's changes (the server's `diff: [RevisionChange]`, snapshot field names) as lines a
// person reads: "Cooldown: 30 s → 60 s", "Nebius Llama 3.3 70B: priority 1 → 2".
import type { RoutingStrategy } from '@/gql/graphql';
import { STRATEGY_LABELS } from '@/lib/strategy-names';

export interface RevisionChangeLike {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface ReadableChange {
  path: string;
  label: string;
  /** null: the field is new (nothing before) or gone (nothing after). */
  before: string | null;
  after: string | null;
}

const LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  strategy: 'Strategy',
  'retry.num_retries': 'Retries',
  'cooldown.allowed_fails': 'Allowed fails',
  'cooldown.cooldown_time_seconds': 'Cooldown',
  'settings.max_fallbacks': 'Max fallbacks',
  'settings.timeout_seconds': 'Timeout',
  assigned_team_ids: 'Teams',
  assigned_key_ids: 'Keys',
  is_active: 'Active',
};

const SECONDS = new Set(['cooldown.cooldown_time_seconds', 'settings.timeout_seconds']);
const DEPLOYMENT_FIELDS: Record<string, string> = {
  priority: 'priority',
  weight: 'weight',
  display_name: 'display name',
};

type Names = ReadonlyMap<string, string>;

function deploymentText(value: Record<string, unknown>, names: Names): string {
  const id = String(value.model_id ?? '?');
  const parts = [names.get(id) ?? id];
  if (value.priority !== null && value.priority !== undefined) parts.push(`priority ${String(value.priority)}`);
  if (value.weight !== null && value.weight !== undefined) parts.push(`weight ${String(value.weight)}`);
  return parts.join(', ');
}

function valueText(path: string, value: unknown, names: Names): string | null {
  if (value === null || value === undefined) return null;
  if (path === 'strategy' && typeof value === 'string') return STRATEGY_LABELS[value as RoutingStrategy] ?? value;
  if (SECONDS.has(path) && typeof value === 'number') return `${value} s`;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.map((v) => names.get(String(v)) ?? String(v)).join(', ') : 'none';
  if (typeof value === 'object') return deploymentText(value as Record<string, unknown>, names);
  return names.get(String(value)) ?? String(value);
}

/** "deployments[1].priority" -> the deployment at that position in the version's snapshot. */
function deploymentLabel(path: string, after: unknown, before: unknown, names: Names): string | null {
  const match = /^deployments\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (!match) return null;
  const index = Number(match[1]);
  const list = (snapshot: unknown) => (snapshot as { deployments?: { model_id?: string }[] } | null)?.deployments ?? [];
  const id = list(after)[index]?.model_id ?? list(before)[index]?.model_id;
  const who = id ? (names.get(id) ?? id) : `Deployment ${index + 1}`;
  const field = match[2];
  if (!field || field === 'model_id') return `Deployment ${index + 1}`;
  return `${who}: ${DEPLOYMENT_FIELDS[field] ?? field.replace(/_/g, ' ')}`;
}

/** `names`: deployment and team ids -> what to call them. */
export function readableChanges(
  changes: readonly RevisionChangeLike[],
  snapshots: { before?: unknown; after?: unknown },
  names: Names = new Map(),
): ReadableChange[] {
  return changes.map((c) => {
    const label =
      LABELS[c.path] ?? deploymentLabel(c.path, snapshots.after, snapshots.before, names) ?? c.path.replace(/[._]/g, ' ');
    return { path: c.path, label, before: valueText(c.path, c.before, names), after: valueText(c.path, c.after, names) };
  });
}
