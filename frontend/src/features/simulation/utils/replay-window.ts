// Replay's window: a preset (the last hour, the last day) or a custom from/to, as the
// ReplayInput's ISO times. The server judges the window (empty, past retention, too many
// requests); its field errors are put back next to the field they name.

export type WindowPreset = 'hour' | 'day' | 'custom';

export interface ReplayWindowForm {
  preset: WindowPreset;
  /** `datetime-local` values (local time), used when preset is custom. */
  from: string;
  to: string;
}

export interface ReplayWindow {
  from: string;
  to: string;
}

export type WindowErrors = Partial<Record<'from' | 'to' | 'window', string>>;

const HOUR_MS = 3_600_000;
export const PRESET_MS: Record<Exclude<WindowPreset, 'custom'>, number> = { hour: HOUR_MS, day: 24 * HOUR_MS };

/** A Date as a `datetime-local` value in local time, to the minute. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function defaultWindowForm(now: Date = new Date()): ReplayWindowForm {
  return { preset: 'hour', from: toLocalInput(new Date(now.getTime() - HOUR_MS)), to: toLocalInput(now) };
}

function parseLocal(value: string): Date | null {
  if (!value.trim()) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The window to send, or what is missing (only that: the server says what is wrong with it). */
export function windowFromForm(
  form: ReplayWindowForm,
  now: Date = new Date(),
): { window: ReplayWindow; errors: null } | { window: null; errors: WindowErrors } {
  if (form.preset !== 'custom') {
    const to = now.getTime();
    return { window: { from: new Date(to - PRESET_MS[form.preset]).toISOString(), to: new Date(to).toISOString() }, errors: null };
  }
  const from = parseLocal(form.from);
  const to = parseLocal(form.to);
  const errors: WindowErrors = {};
  if (!from) errors.from = 'Pick a date and time';
  if (!to) errors.to = 'Pick a date and time';
  if (!from || !to) return { window: null, errors };
  return { window: { from: from.toISOString(), to: to.toISOString() }, errors: null };
}

/** The server's ValidationError field errors (`replay.from`, `replay.to`, `replay`) by field. */
export function windowErrorsFrom(fieldErrors: readonly { field: string; message: string }[]): WindowErrors {
  const errors: WindowErrors = {};
  for (const { field, message } of fieldErrors) {
    const key = field === 'replay.from' ? 'from' : field === 'replay.to' ? 'to' : field.startsWith('replay') ? 'window' : null;
    if (key) errors[key] = errors[key] ? `${errors[key]}; ${message}` : message;
  }
  return errors;
}

export interface BusySpan {
  from: Date;
  to: Date;
  requests: number;
  failed: number;
}

/** Stretches of recorded traffic (runs of non-empty buckets) to pick as a window: at most
 * `limit`, the busiest, in time order. Bucket times are ms since `windowFrom`. */
export function busySpans(
  buckets: readonly { startMs: number; endMs: number; requests: number; failedRequests: number }[],
  windowFrom: Date,
  limit = 6,
): BusySpan[] {
  const spans: BusySpan[] = [];
  let open: BusySpan | null = null;
  const at = (ms: number) => new Date(windowFrom.getTime() + ms);
  for (const b of buckets) {
    if (b.requests === 0) {
      open = null;
      continue;
    }
    if (open) {
      open.to = at(b.endMs);
      open.requests += b.requests;
      open.failed += b.failedRequests;
    } else {
      open = { from: at(b.startMs), to: at(b.endMs), requests: b.requests, failed: b.failedRequests };
      spans.push(open);
    }
  }
  return [...spans]
    .sort((a, b) => b.requests - a.requests)
    .slice(0, limit)
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** A span as the custom window that covers it (to the minute: from rounded down, to up). */
export function formForSpan(span: BusySpan): ReplayWindowForm {
  const minute = 60_000;
  return {
    preset: 'custom',
    from: toLocalInput(new Date(Math.floor(span.from.getTime() / minute) * minute)),
    to: toLocalInput(new Date(Math.ceil(span.to.getTime() / minute) * minute)),
  };
}
