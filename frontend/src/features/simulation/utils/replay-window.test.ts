import { describe, expect, it } from 'vitest';
import { busySpans, formForSpan, windowErrorsFrom, windowFromForm } from './replay-window';

const now = new Date('2026-12-03T12:00:00.000Z');

describe('replay window', () => {
  it('turns the presets into the last hour and the last day, ending now', () => {
    expect(windowFromForm({ preset: 'hour', from: '', to: '' }, now).window).toEqual({
      from: '2026-12-03T11:00:00.000Z',
      to: '2026-12-03T12:00:00.000Z',
    });
    expect(windowFromForm({ preset: 'day', from: '', to: '' }, now).window).toEqual({
      from: '2026-12-02T12:00:00.000Z',
      to: '2026-12-03T12:00:00.000Z',
    });
  });

  it('sends a custom window as it is (the server judges it) and asks only for what is missing', () => {
    const custom = windowFromForm({ preset: 'custom', from: '2026-12-03T10:00', to: '2026-12-03T09:00' }, now);
    expect(custom.window?.from).toBe(new Date('2026-12-03T10:00').toISOString());
    expect(windowFromForm({ preset: 'custom', from: '', to: '2026-12-03T09:00' }, now).errors).toEqual({
      from: 'Pick a date and time',
    });
  });

  it("puts the server's field errors back at their fields", () => {
    expect(
      windowErrorsFrom([
        { field: 'replay.to', message: 'must be after replay.from (the window is empty)' },
        { field: 'replay.from', message: "is past the request log's retention" },
        { field: 'replay', message: 'the window holds no recorded request of this group' },
        { field: 'seed', message: 'ignored' },
      ]),
    ).toEqual({
      to: 'must be after replay.from (the window is empty)',
      from: "is past the request log's retention",
      window: 'the window holds no recorded request of this group',
    });
  });
});

describe('busy spans on the recorded timeline', () => {
  const from = new Date('2026-12-03T10:00:00.000Z');
  const bucket = (i: number, requests: number, failedRequests = 0) => ({ startMs: i * 60_000, endMs: (i + 1) * 60_000, requests, failedRequests });

  it('joins runs of non-empty buckets into windows to pick, the busiest first kept, in time order', () => {
    const spans = busySpans([bucket(0, 2), bucket(1, 3, 1), bucket(2, 0), bucket(3, 9), bucket(4, 0), bucket(5, 1)], from, 2);
    expect(spans.map((s) => [s.from.toISOString(), s.to.toISOString(), s.requests, s.failed])).toEqual([
      ['2026-12-03T10:00:00.000Z', '2026-12-03T10:02:00.000Z', 5, 1],
      ['2026-12-03T10:03:00.000Z', '2026-12-03T10:04:00.000Z', 9, 0],
    ]);
  });

  it('turns a span into the custom window covering it, to the minute', () => {
    const form = formForSpan({ from: new Date('2026-12-03T10:03:20Z'), to: new Date('2026-12-03T10:04:10Z'), requests: 1, failed: 0 });
    expect(form.preset).toBe('custom');
    expect(new Date(form.from).toISOString()).toBe('2026-12-03T10:03:00.000Z');
    expect(new Date(form.to).toISOString()).toBe('2026-12-03T10:05:00.000Z');
  });
});
