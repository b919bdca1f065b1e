/** mulberry32: a tiny seeded generator, so "random" splits are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `items` cut into consecutive batches of 1..maxSize. */
export function randomSplits<T>(items: readonly T[], random: () => number, maxSize = 40): T[][] {
  const batches: T[][] = [];
  let at = 0;
  while (at < items.length) {
    const size = 1 + Math.floor(random() * maxSize);
    batches.push(items.slice(at, at + size));
    at += size;
  }
  return batches;
}
