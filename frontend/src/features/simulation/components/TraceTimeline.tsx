import { ProviderBadge } from '@/components/ProviderBadge';
import type { RoutingTraceFieldsFragment } from '@/gql/graphql';
import { formatMs } from '../utils/format';
import '../tester.css';

export type AttemptTrace = RoutingTraceFieldsFragment & { startedAtMs?: number };

/** Time between one attempt's end and the next one's start: litellm's retry backoff. */
export function waitBefore(current: AttemptTrace, next: AttemptTrace): number {
  if (current.startedAtMs == null || next.startedAtMs == null) return 0;
  return Math.max(0, next.startedAtMs - (current.startedAtMs + current.latencyMs));
}

/** Waits shorter than this are the gateway's own work between attempts (on a busy machine tens
 * of ms), not a backoff: litellm's shortest retry backoff is 0.5 s. */
const VISIBLE_WAIT_MS = 100;

function kindText(kind: string | null | undefined): string {
  return kind ? kind.toLowerCase().replace(/_/g, ' ') : 'error';
}

/** What moved the request from one attempt to the next, by the server's flow rule. */
export function transitionBetween(current: AttemptTrace, next: AttemptTrace): 'fallback' | 'retry' {
  return next.fallbackDepth > current.fallbackDepth ? 'fallback' : 'retry';
}

interface TraceTimelineProps {
  traces: readonly AttemptTrace[];
  /** deploymentId -> model name, for attempts on the group's deployments. */
  models?: Readonly<Record<string, string>>;
}

/** One request's path, top to bottom: each attempt, and what triggered the next one. */
export function TraceTimeline({ traces, models = {} }: TraceTimelineProps) {
  if (traces.length === 0) {
    return <p className="muted">No deployment was called (all may be cooling down).</p>;
  }
  return (
    <ol className="trace" aria-label="Request path">
      {traces.map((t, i) => {
        const next = traces[i + 1];
        const ok = t.status === 'SUCCESS';
        const transition = next ? transitionBetween(t, next) : null;
        const wait = next ? waitBefore(t, next) : 0;
        return (
          <li key={i} data-testid="trace-step">
            <div className={`trace-attempt ${ok ? 'ok' : 'error'}`} data-testid="trace-attempt" data-status={t.status}>
              <div className="trace-attempt-head">
                <strong>{t.deploymentName}</strong>
                <ProviderBadge provider={t.provider} />
                {models[t.deploymentId] && <span className="mono muted">{models[t.deploymentId]}</span>}
                {t.fallbackDepth > 0 && <span className="badge badge-muted">fallback {t.fallbackDepth}</span>}
                {t.retryIndex > 0 && <span className="badge badge-muted">retry {t.retryIndex}</span>}
              </div>
              <div>
                <span className={ok ? 'trace-status-ok' : 'trace-status-error'}>
                  {ok ? 'Success' : `Error: ${kindText(t.errorKind)}`}
                </span>{' '}
                · {formatMs(t.latencyMs)}
              </div>
              {!ok && t.errorMessage && <div className="muted trace-error-message">{t.errorMessage}</div>}
            </div>
            {transition && (
              <div className={`trace-transition ${transition}`} data-testid="trace-transition" data-kind={transition}>
                {transition === 'fallback'
                  ? `↓ fallback triggered (${kindText(t.errorKind)})`
                  : `↻ retry (${kindText(t.errorKind)})`}
                {wait >= VISIBLE_WAIT_MS && (
                  <span className="trace-wait" data-testid="trace-wait">
                    {' '}
                    after waiting {formatMs(wait)} (backoff)
                  </span>
                )}
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
