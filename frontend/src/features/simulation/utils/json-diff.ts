// A small field-level diff of two JSON snapshots (a routing group before and after a change).

export interface FieldChange {
  path: string;
  before?: string;
  after?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, '[]');
    value.forEach((item, i) => flatten(item, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, Json>);
    if (entries.length === 0 && path) out.set(path, '{}');
    for (const [key, item] of entries) flatten(item, path ? `${path}.${key}` : key, out);
  } else if (path) {
    out.set(path, JSON.stringify(value ?? null));
  }
}

/**
 * Leaf fields that differ, in the order they appear (after's order, then removed ones).
 * `ignore` drops top-level keys that change on every save (timestamps, version).
 */
export function fieldDiff(before: unknown, after: unknown, ignore: readonly string[] = []): FieldChange[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before ?? {}, '', a);
  flatten(after ?? {}, '', b);
  const skipped = (path: string) => ignore.some((key) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`));
  const changes: FieldChange[] = [];
  for (const [path, value] of b) {
    if (skipped(path)) continue;
    const old = a.get(path);
    if (old !== value) changes.push(old === undefined ? { path, after: value } : { path, before: old, after: value });
  }
  for (const [path, value] of a) {
    if (!skipped(path) && !b.has(path)) changes.push({ path, before: value });
  }
  return changes;
}
