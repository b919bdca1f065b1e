import { describe, expect, it } from 'vitest';
import { evenPercentages, formatPercent, weightPercentages } from './weights';

describe('weightPercentages', () => {
  it('gives each weight its share of the total', () => {
    expect(weightPercentages([60, 30, 10])).toEqual([60, 30, 10]);
    expect(weightPercentages([1, 1, 2])).toEqual([25, 25, 50]);
  });

  it('counts negative and non-numeric weights as zero', () => {
    expect(weightPercentages([-5, Number.NaN, 4])).toEqual([0, 0, 100]);
  });

  it('is all zero when nothing has weight', () => {
    expect(weightPercentages([0, 0])).toEqual([0, 0]);
  });
});

describe('percent helpers', () => {
  it('splits evenly', () => {
    expect(evenPercentages(4)).toEqual([25, 25, 25, 25]);
  });

  it('formats whole numbers without decimals and others to one place', () => {
    expect(formatPercent(50)).toBe('50%');
    expect(formatPercent(100 / 3)).toBe('33.3%');
    expect(formatPercent(66.66)).toBe('66.7%');
  });
});
