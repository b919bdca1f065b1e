import { describe, expect, it } from 'vitest';
import type { SimulationInput } from '@/gql/graphql';
import { comparePair } from './compare-pair';

const base: SimulationInput = { numRequests: 100, concurrency: 10, mock: true, clock: 'VIRTUAL', seed: null };
const patch = { routingStrategy: 'SIMPLE_SHUFFLE' as const };
const now = new Date('2026-12-03T10:20:35.000Z');

describe('comparePair', () => {
  it('sends one startAt and one seed to both runs; only the draft differs', () => {
    const { saved, drafted } = comparePair(base, patch, now, () => 7);
    expect(saved.startAt).toBe('2026-12-03T10:20:35.000Z');
    expect(drafted.startAt).toBe(saved.startAt);
    expect(saved.seed).toBe(7);
    expect(drafted.seed).toBe(7);
    expect(saved.draft).toBeUndefined();
    expect(drafted).toEqual({ ...saved, draft: patch });
  });

  it('keeps a given seed and startAt', () => {
    const { saved } = comparePair({ ...base, seed: 3, startAt: '2026-01-01T00:00:30Z' }, patch, now, () => 7);
    expect(saved.seed).toBe(3);
    expect(saved.startAt).toBe('2026-01-01T00:00:30Z');
  });

  it('sends no startAt on the wall clock (it starts now) nor for a replay (its window start)', () => {
    expect(comparePair({ ...base, clock: 'WALL' }, patch, now).saved.startAt).toBeUndefined();
    const replay = { from: '2026-12-03T09:00:00Z', to: '2026-12-03T10:00:00Z' };
    const pair = comparePair({ ...base, replay }, patch, now);
    expect(pair.saved.startAt).toBeUndefined();
    expect(pair.drafted.replay).toEqual(replay);
  });
});
