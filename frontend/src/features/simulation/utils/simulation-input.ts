// The simulator form as plain data, and its translation into the API's SimulationInput.
import type { ErrorKind, SimulationInput } from '@/gql/graphql';

export const ERROR_KINDS: readonly { value: ErrorKind; label: string }[] = [
  { value: 'RATE_LIMIT', label: 'Rate limit (429)' },
  { value: 'TIMEOUT', label: 'Timeout' },
  { value: 'SERVER_ERROR', label: 'Server error (500)' },
  { value: 'CONTEXT_WINDOW', label: 'Context window exceeded' },
  { value: 'CONTENT_POLICY', label: 'Content policy' },
  { value: 'AUTH', label: 'Authentication (401)' },
];

// The server's limits (gql_server/core/simulation.py); it checks them too.
export const MAX_REQUESTS = 100_000;
export const MAX_CONCURRENCY = 1_000;

export interface DeploymentKnobs {
  /** 0..100 */
  failurePercent: number;
  errorKind: ErrorKind;
  /** Text boxes: empty means "no latency rule". */
  meanMs: string;
  jitterMs: string;
}

export interface SimulatorForm {
  numRequests: string;
  concurrency: string;
  mock: boolean;
  seed: string;
  knobs: Record<string, DeploymentKnobs>;
}

export const DEFAULT_KNOBS: DeploymentKnobs = { failurePercent: 0, errorKind: 'RATE_LIMIT', meanMs: '', jitterMs: '' };

export function defaultForm(modelIds: readonly string[]): SimulatorForm {
  return {
    numRequests: '1000',
    concurrency: '20',
    mock: true,
    seed: '42',
    knobs: Object.fromEntries(modelIds.map((id) => [id, { ...DEFAULT_KNOBS }])),
  };
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

export type FormErrors = Partial<Record<string, string>>;

/** The input to send, or the problems to show next to the fields (keyed like the inputs). */
export function toSimulationInput(
  form: SimulatorForm,
): { input: SimulationInput; errors: null } | { input: null; errors: FormErrors } {
  const errors: FormErrors = {};
  const numRequests = wholeNumber(form.numRequests);
  if (numRequests === null || numRequests < 1 || numRequests > MAX_REQUESTS) {
    errors.numRequests = `Between 1 and ${MAX_REQUESTS.toLocaleString('en-US')}`;
  }
  const concurrency = wholeNumber(form.concurrency);
  if (concurrency === null || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    errors.concurrency = `Between 1 and ${MAX_CONCURRENCY.toLocaleString('en-US')}`;
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
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: {
      numRequests: numRequests as number,
      concurrency: concurrency as number,
      mock: form.mock,
      seed,
      failureInjection,
      latency,
    },
    errors: null,
  };
}
