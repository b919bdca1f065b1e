// The simulator's scenario as plain data (what the form edits and localStorage keeps), and its
// translation into the API's SimulationInput.
import type { ErrorKind, SimulationClock, SimulationInput, TrafficPattern } from '@/gql/graphql';

export const ERROR_KINDS: readonly { value: ErrorKind; label: string }[] = [
  { value: 'RATE_LIMIT', label: 'Rate limit (429)' },
  { value: 'TIMEOUT', label: 'Timeout' },
  { value: 'SERVER_ERROR', label: 'Server error (500)' },
  { value: 'CONTEXT_WINDOW', label: 'Context window exceeded' },
  { value: 'CONTENT_POLICY', label: 'Content policy' },
  { value: 'AUTH', label: 'Authentication (401)' },
];

export const PATTERNS: readonly { value: TrafficPattern; label: string }[] = [
  { value: 'CONSTANT', label: 'Constant' },
  { value: 'POISSON', label: 'Poisson' },
  { value: 'RAMP', label: 'Ramp 0 → rate' },
];

// The server's limits (gql_server/core/simulation/engine.py); it checks them too.
export const MAX_REQUESTS = 100_000;
export const MAX_CONCURRENCY = 1_000;
/** Traffic over time: requests the schedule may start (gql_server/core/domain/scenario.py). */
export const MAX_SIMULATED_REQUESTS = 1_000_000;
/** Buckets a traffic-over-time run's timeline is cut into. */
export const TIMELINE_BUCKETS = 60;

export interface DeploymentKnobs {
  /** 0..100 */
  failurePercent: number;
  errorKind: ErrorKind;
  /** Text boxes: empty means "no latency rule". */
  meanMs: string;
  jitterMs: string;
}

export interface IncidentForm {
  /** Stable key for the list (not sent). */
  key: string;
  modelId: string;
  startSeconds: string;
  endSeconds: string;
  /** 0..100 */
  failurePercent: number;
  errorKind: ErrorKind;
  addedLatencyMs: string;
}

export type LoadMode = 'closed' | 'traffic';

export interface SimulatorForm {
  mode: LoadMode;
  numRequests: string;
  concurrency: string;
  ratePerSecond: string;
  durationSeconds: string;
  pattern: TrafficPattern;
  clock: SimulationClock;
  mock: boolean;
  seed: string;
  knobs: Record<string, DeploymentKnobs>;
  incidents: IncidentForm[];
}

export const DEFAULT_KNOBS: DeploymentKnobs = { failurePercent: 0, errorKind: 'RATE_LIMIT', meanMs: '', jitterMs: '' };

export function defaultForm(modelIds: readonly string[]): SimulatorForm {
  return {
    mode: 'closed',
    numRequests: '1000',
    concurrency: '20',
    ratePerSecond: '10',
    durationSeconds: '180',
    pattern: 'CONSTANT',
    clock: 'VIRTUAL',
    mock: true,
    seed: '42',
    knobs: Object.fromEntries(modelIds.map((id) => [id, { ...DEFAULT_KNOBS }])),
    incidents: [],
  };
}

let incidentCounter = 0;

export function newIncident(modelId: string, startSeconds: number, endSeconds: number): IncidentForm {
  incidentCounter += 1;
  return {
    key: `incident-${Date.now().toString(36)}-${incidentCounter}`,
    modelId,
    startSeconds: trimNumber(startSeconds),
    endSeconds: trimNumber(endSeconds),
    failurePercent: 100,
    errorKind: 'SERVER_ERROR',
    addedLatencyMs: '0',
  };
}

export function trimNumber(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function wholeNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  return Number(trimmed);
}

function nonNegative(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) && value >= 0 ? value : Number.NaN;
}

function positive(text: string): number | null {
  const value = nonNegative(text);
  return value === null || Number.isNaN(value) || value <= 0 ? null : value;
}

export type FormErrors = Partial<Record<string, string>>;

/** The clock a run uses: real providers only run on the wall clock. */
export function effectiveClock(form: Pick<SimulatorForm, 'clock' | 'mock'>): SimulationClock {
  return form.mock ? form.clock : 'WALL';
}

/** The input to send, or the problems to show next to the fields (keyed like the inputs). */
export function toSimulationInput(
  form: SimulatorForm,
): { input: SimulationInput; errors: null } | { input: null; errors: FormErrors } {
  const errors: FormErrors = {};
  let load: Pick<SimulationInput, 'numRequests' | 'concurrency' | 'traffic' | 'timelineBucketSeconds'>;
  if (form.mode === 'closed') {
    const numRequests = wholeNumber(form.numRequests);
    if (numRequests === null || numRequests < 1 || numRequests > MAX_REQUESTS) {
      errors.numRequests = `Between 1 and ${MAX_REQUESTS.toLocaleString('en-US')}`;
    }
    const concurrency = wholeNumber(form.concurrency);
    if (concurrency === null || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      errors.concurrency = `Between 1 and ${MAX_CONCURRENCY.toLocaleString('en-US')}`;
    }
    load = { numRequests: numRequests ?? 0, concurrency: concurrency ?? 0 };
  } else {
    const rate = positive(form.ratePerSecond);
    const duration = positive(form.durationSeconds);
    if (rate === null) errors.ratePerSecond = 'Requests per second, more than 0';
    if (duration === null) errors.durationSeconds = 'Seconds, more than 0';
    const planned = rate !== null && duration !== null ? (rate * duration) / (form.pattern === 'RAMP' ? 2 : 1) : 0;
    if (planned > MAX_SIMULATED_REQUESTS) {
      errors.durationSeconds = `At most ${MAX_SIMULATED_REQUESTS.toLocaleString('en-US')} requests (rate × duration)`;
    }
    load = {
      numRequests: 0,
      concurrency: 0,
      traffic: { ratePerSecond: rate ?? 0, durationSeconds: duration ?? 0, pattern: form.pattern },
      timelineBucketSeconds: (duration ?? 0) / TIMELINE_BUCKETS,
    };
  }
  let seed: number | null = null;
  if (form.seed.trim() !== '') {
    seed = wholeNumber(form.seed);
    if (seed === null || seed > 2 ** 31 - 1) errors.seed = 'A whole number, or empty for a random run';
  }
  const failureInjection: NonNullable<SimulationInput['failureInjection']> = [];
  const latency: NonNullable<SimulationInput['latency']> = [];
  for (const [modelId, knobs] of Object.entries(form.knobs)) {
    if (knobs.failurePercent > 0) {
      failureInjection.push({ modelId, failureRate: knobs.failurePercent / 100, errorKind: knobs.errorKind });
    }
    const mean = nonNegative(knobs.meanMs);
    const jitter = nonNegative(knobs.jitterMs);
    if (Number.isNaN(mean)) errors[`${modelId}.meanMs`] = 'Milliseconds, 0 or more';
    if (Number.isNaN(jitter)) errors[`${modelId}.jitterMs`] = 'Milliseconds, 0 or more';
    if (mean === null && jitter !== null && !Number.isNaN(jitter)) {
      errors[`${modelId}.meanMs`] = 'Set a mean for the jitter to apply to';
    }
    if (mean !== null && !Number.isNaN(mean) && !Number.isNaN(jitter)) {
      latency.push({ modelId, meanMs: mean, jitterMs: jitter ?? 0 });
    }
  }
  const incidents: NonNullable<SimulationInput['incidents']> = [];
  for (const incident of form.incidents) {
    const start = nonNegative(incident.startSeconds);
    const end = nonNegative(incident.endSeconds);
    const added = nonNegative(incident.addedLatencyMs);
    const at = `incident.${incident.key}`;
    if (start === null || Number.isNaN(start)) errors[`${at}.start`] = 'Seconds, 0 or more';
    if (end === null || Number.isNaN(end)) errors[`${at}.end`] = 'Seconds, 0 or more';
    else if (start !== null && !Number.isNaN(start) && end <= start) errors[`${at}.end`] = 'After the start';
    if (Number.isNaN(added)) errors[`${at}.addedLatencyMs`] = 'Milliseconds, 0 or more';
    if (start !== null && end !== null && !Number.isNaN(start) && !Number.isNaN(end) && end > start) {
      incidents.push({
        modelId: incident.modelId,
        startSeconds: start,
        endSeconds: end,
        failureRate: incident.failurePercent / 100,
        errorKind: incident.errorKind,
        addedLatencyMs: Number.isNaN(added) ? 0 : (added ?? 0),
      });
    }
  }
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: {
      ...load,
      mock: form.mock,
      clock: effectiveClock(form),
      seed,
      failureInjection,
      latency,
      incidents,
    },
    errors: null,
  };
}

/** A saved run's input back as a form (History's "Run again"), over the group's defaults. */
export function formFromInput(input: unknown, modelIds: readonly string[]): SimulatorForm {
  const form = defaultForm(modelIds);
  if (!input || typeof input !== 'object') return form;
  const i = input as Partial<SimulationInput> & Record<string, unknown>;
  const text = (v: unknown, fallback: string) => (typeof v === 'number' ? String(v) : fallback);
  if (i.traffic) {
    form.mode = 'traffic';
    form.ratePerSecond = text(i.traffic.ratePerSecond, form.ratePerSecond);
    form.durationSeconds = text(i.traffic.durationSeconds, form.durationSeconds);
    form.pattern = i.traffic.pattern ?? 'CONSTANT';
  } else {
    form.numRequests = text(i.numRequests, form.numRequests);
    form.concurrency = text(i.concurrency, form.concurrency);
  }
  if (typeof i.mock === 'boolean') form.mock = i.mock;
  if (i.clock === 'VIRTUAL' || i.clock === 'WALL') form.clock = i.clock;
  form.seed = i.seed === null || i.seed === undefined ? '' : String(i.seed);
  for (const f of i.failureInjection ?? []) {
    const id = String(f.modelId);
    form.knobs[id] = {
      ...(form.knobs[id] ?? DEFAULT_KNOBS),
      failurePercent: Math.round(f.failureRate * 100),
      errorKind: f.errorKind ?? 'SERVER_ERROR',
    };
  }
  for (const l of i.latency ?? []) {
    const id = String(l.modelId);
    form.knobs[id] = {
      ...(form.knobs[id] ?? DEFAULT_KNOBS),
      meanMs: String(l.meanMs),
      jitterMs: l.jitterMs ? String(l.jitterMs) : '',
    };
  }
  form.incidents = (i.incidents ?? []).map((w) => ({
    ...newIncident(String(w.modelId), w.startSeconds, w.endSeconds),
    failurePercent: Math.round((w.failureRate ?? 1) * 100),
    errorKind: w.errorKind ?? 'SERVER_ERROR',
    addedLatencyMs: String(w.addedLatencyMs ?? 0),
  }));
  return form;
}

/** A stored form merged over the defaults, so a group whose deployments changed still loads. */
export function mergeStoredForm(stored: unknown, modelIds: readonly string[]): SimulatorForm {
  const form = defaultForm(modelIds);
  if (!stored || typeof stored !== 'object') return form;
  const s = stored as Partial<SimulatorForm>;
  const known = new Set(modelIds);
  const merged: SimulatorForm = { ...form, ...s, knobs: { ...form.knobs }, incidents: [] };
  for (const id of modelIds) {
    const k = s.knobs?.[id];
    if (k) merged.knobs[id] = { ...DEFAULT_KNOBS, ...k };
  }
  merged.incidents = (s.incidents ?? []).filter((w) => known.has(w.modelId));
  return merged;
}

const STORAGE_PREFIX = 'routing-groups:simulator:';

export function loadScenario(groupId: string, modelIds: readonly string[]): SimulatorForm {
  try {
    const raw = localStorage.getItem(STORAGE_PREFIX + groupId);
    return mergeStoredForm(raw ? JSON.parse(raw) : null, modelIds);
  } catch {
    return defaultForm(modelIds);
  }
}

export function saveScenario(groupId: string, form: SimulatorForm): void {
  try {
    localStorage.setItem(STORAGE_PREFIX + groupId, JSON.stringify(form));
  } catch {
    // Private mode or a full quota: the scenario is simply not remembered.
  }
}

const RERUN_KEY = 'routing-groups:simulator:rerun';

/** History's "Run again": the simulator picks this up once, and starts it. */
export function requestRerun(groupId: string, input: unknown): void {
  sessionStorage.setItem(RERUN_KEY, JSON.stringify({ groupId, input }));
}

/** The input History left for this group, if any (read on mount; `clearRerun` once started). */
export function readRerun(groupId: string): unknown {
  const raw = sessionStorage.getItem(RERUN_KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as { groupId?: string; input?: unknown };
    return parsed.groupId === groupId ? (parsed.input ?? null) : null;
  } catch {
    return null;
  }
}

export function clearRerun(): void {
  sessionStorage.removeItem(RERUN_KEY);
}
