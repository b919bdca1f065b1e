// One colour per deployment lane in the timeline (and its legend): 20 fixed colours, chosen
// so that any two differ by CIE76 ΔE >= 28 (the first ones most), each has >= 3.2:1 contrast on
// white (WCAG's 3:1 for graphics) and stays clear of the failure red. Past 20 they repeat.
export const LANE_COLORS = [
  '#2563eb',
  '#049f04',
  '#7c0303',
  '#04909f',
  '#ef06a9',
  '#9e882e',
  '#631d55',
  '#0606ef',
  '#ef6306',
  '#1d632b',
  '#d706ef',
  '#14528f',
  '#ef0663',
  '#34037c',
  '#63401d',
  '#9e2e9e',
  '#9f5204',
  '#be377a',
  '#0692ef',
  '#049f80',
] as const;

export const FAILURE_COLOR = '#dc2626';

export function laneColor(index: number): string {
  return LANE_COLORS[index % LANE_COLORS.length] as string;
}
