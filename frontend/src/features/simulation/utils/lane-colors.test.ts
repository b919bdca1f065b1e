import { describe, expect, it } from 'vitest';
import { FAILURE_COLOR, LANE_COLORS, laneColor } from './lane-colors';

const channel = (hex: string, i: number) => {
  const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const rgb = (hex: string) => [0, 1, 2].map((i) => channel(hex, i)) as [number, number, number];
const luminance = (hex: string) => {
  const [r, g, b] = rgb(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrastOnWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);
function lab(hex: string): [number, number, number] {
  const [r, g, b] = rgb(hex);
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
const deltaE = (a: string, b: string) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]!));

describe('lane colours', () => {
  it('gives 20 deployments 20 different colours', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => laneColor(i));
    expect(new Set(twenty).size).toBe(20);
  });

  it('keeps every pair distinguishable (ΔE >= 25) and clear of the failure red', () => {
    for (const [i, a] of LANE_COLORS.entries()) {
      expect(deltaE(a, FAILURE_COLOR)).toBeGreaterThanOrEqual(25);
      for (const b of LANE_COLORS.slice(i + 1)) expect(deltaE(a, b), `${a} vs ${b}`).toBeGreaterThanOrEqual(25);
    }
  });

  it('has at least 3:1 contrast on white, as graphics need', () => {
    for (const c of LANE_COLORS) expect(contrastOnWhite(c), c).toBeGreaterThanOrEqual(3);
  });
});
