import { describe, expect, it } from 'vitest';
import { windowErrorsFrom, windowFromForm } from './replay-window';

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
