/** Returns a copy of `items` with the element at `from` moved to `to`. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || to < 0 || from >= items.length || to >= items.length) {
    return [...items];
  }
  const next = [...items];
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved as T);
  return next;
}

/** Priority follows list order: the first deployment is priority 1 (tried first). */
export function priorityFromIndex(index: number): number {
  return index + 1;
}

/** Orders deployments by priority (missing priorities last), keeping ties in their order. */
export function sortByPriority<T extends { priority?: number | null }>(items: readonly T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => {
      const pa = a.item.priority ?? Number.POSITIVE_INFINITY;
      const pb = b.item.priority ?? Number.POSITIVE_INFINITY;
      return pa === pb ? a.index - b.index : pa - pb;
    })
    .map(({ item }) => item);
}
