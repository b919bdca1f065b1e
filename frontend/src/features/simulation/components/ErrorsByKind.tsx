import { formatCount } from '../utils/format';
import '../simulation.css';

const LABELS: Record<string, string> = {
  RATE_LIMIT: 'Rate limit',
  TIMEOUT: 'Timeout',
  SERVER_ERROR: 'Server error',
  CONTEXT_WINDOW: 'Context window',
  CONTENT_POLICY: 'Content policy',
  AUTH: 'Authentication',
  ERROR: 'Other error',
  UNKNOWN: 'Other error',
  FINAL: 'Last attempt failed (kind not in the summary)',
};

/** Failed attempts per error kind. */
export function ErrorsByKind({ errors }: { errors: Readonly<Record<string, number>> }) {
  const rows = Object.entries(errors).sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return <p className="muted sim-errors-none">No failed attempts.</p>;
  return (
    <ul className="sim-errors" aria-label="Errors by kind">
      {rows.map(([kind, n]) => (
        <li key={kind} data-testid="error-kind" data-kind={kind} data-count={n}>
          <span>{LABELS[kind] ?? kind}</span> <strong>{formatCount(n)}</strong>
        </li>
      ))}
    </ul>
  );
}
