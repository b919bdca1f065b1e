import { describe, expect, it } from 'vitest';
import { moveItem, priorityFromIndex, sortByPriority } from './ordering';

describe('moveItem', () => {
  it('moves an item down and shifts the ones in between up', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 2)).toEqual(['b', 'c', 'a']);
  });

  it('moves an item up', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
  });

  it('leaves the list alone for an index out of range', () => {
    expect(moveItem(['a', 'b'], 0, 5)).toEqual(['a', 'b']);
  });

  it('does not modify its input', () => {
    const input = ['a', 'b'];
    moveItem(input, 0, 1);
    expect(input).toEqual(['a', 'b']);
  });
});

describe('priority', () => {
  it('is the 1-based position in the list', () => {
    expect([0, 1, 2].map(priorityFromIndex)).toEqual([1, 2, 3]);
  });

  it('sorts saved deployments by priority, unprioritised last, ties kept in order', () => {
    const sorted = sortByPriority([
      { id: 'x', priority: null },
      { id: 'c', priority: 3 },
      { id: 'a', priority: 1 },
      { id: 'b', priority: 3 },
    ]);
    expect(sorted.map((d) => d.id)).toEqual(['a', 'c', 'b', 'x']);
  });
});
