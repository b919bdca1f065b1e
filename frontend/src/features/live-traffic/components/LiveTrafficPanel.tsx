import { useEffect, useState, type ReactNode } from 'react';
import { useQuery, useSubscription } from 'urql';
import { useConnectionState } from '@/lib/connection';
import { GroupHealthQuery, LiveTrafficSubscription } from '../api/documents';
import {
  EMPTY_LIVE,
  appendRequests,
  pathOf,
  secondsUntil,
  type LiveRequest,
  type LiveState,
} from '../utils/live-requests';

const HEALTH_REFRESH_MS = 2000;
const TIMELINE_ROWS = 25;

interface LiveTrafficPanelProps {
  groupId: string;
  /** The flow diagram of the recent requests (the app passes the simulator's). */
  renderFlow?: (requests: readonly LiveRequest[]) => ReactNode;
  /** Deployment id -> the name the rest of the app shows for it. */
  names?: Readonly<Record<string, string>>;
}

/** Real /v1 traffic of the group, from every instance, with each deployment's health now. */
export function LiveTrafficPanel({ groupId, renderFlow, names = {} }: LiveTrafficPanelProps) {
  const connection = useConnectionState();
  const nameOf = (id: string) => names[id] ?? id;
  const [{ data }] = useSubscription(
    { query: LiveTrafficSubscription, variables: { id: groupId } },
    (previous: LiveState = EMPTY_LIVE, event) => {
      const batch = event.liveTraffic;
      if (batch.__typename !== 'LiveTrafficBatch') return { ...previous, problem: batch.message };
      return { ...previous, requests: appendRequests(previous.requests, batch.requests as LiveRequest[]) };
    },
  );
  const { requests, problem } = data ?? EMPTY_LIVE;
  return (
    <section className="panel live-traffic" aria-label="Live traffic">
      <h2>Live traffic</h2>
      {problem && <p className="error">{problem}</p>}
      {connection !== 'online' && (
        <p className="stale-note" data-testid="live-stale">
          Can't reach the server: the health and requests below are from before it went away.
        </p>
      )}
      <HealthTable groupId={groupId} nameOf={nameOf} />
      {renderFlow && requests.length > 0 && renderFlow(requests)}
      <h3>Recent requests</h3>
      {requests.length === 0 ? (
        <p className="muted" data-testid="live-empty">
          {connection === 'online'
            ? 'No /v1 requests since this page opened. They appear here as they finish, from every instance.'
            : "Can't reach the server, so no requests can arrive here until it is back."}
        </p>
      ) : (
        <ol className="live-timeline" data-testid="live-timeline">
          {requests
            .slice(-TIMELINE_ROWS)
            .reverse()
            .map((r, i) => (
              <li key={`${r.startedAtMs}-${i}`} className={r.success ? 'live-ok' : 'live-failed'}>
                <span className="mono">{new Date(r.startedAtMs).toLocaleTimeString()}</span>{' '}
                <span>{pathOf(r, nameOf)}</span>{' '}
                <span className="muted">{Math.round(r.latencyMs)} ms</span>
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}

function HealthTable({ groupId, nameOf }: { groupId: string; nameOf: (id: string) => string }) {
  const [{ data }, refresh] = useQuery({ query: GroupHealthQuery, variables: { id: groupId } });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
      refresh({ requestPolicy: 'network-only' });
    }, HEALTH_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const health = data?.routingGroup?.health ?? [];
  if (health.length === 0) return <p className="muted">Not live: no deployment health.</p>;
  return (
    <table className="table compact" aria-label="Deployment health">
      <thead>
        <tr>
          <th scope="col">Deployment</th>
          <th scope="col">State</th>
          <th scope="col">Requests / min</th>
          <th scope="col">Failures / min</th>
          <th scope="col">p50</th>
          <th scope="col">rpm / tpm used</th>
        </tr>
      </thead>
      <tbody>
        {health.map((h) => {
          const left = secondsUntil(h.cooldownEndsAt, now);
          return (
            <tr key={h.deploymentId} data-testid="health-row" data-cooling={h.coolingDown}>
              <td>
                {nameOf(h.deploymentId)}
                {nameOf(h.deploymentId) !== h.deploymentId && <div className="muted mono">{h.deploymentId}</div>}
              </td>
              <td>
                {h.coolingDown ? (
                  <span className="badge badge-warning">cooling down{left == null ? '' : ` · ${left}s left`}</span>
                ) : (
                  <span className="badge">healthy</span>
                )}
              </td>
              <td>{h.requestsLastMinute}</td>
              <td>{h.failuresLastMinute}</td>
              <td>{h.p50LatencyMs == null ? '–' : `${Math.round(h.p50LatencyMs)} ms`}</td>
              <td>{h.rpmUsed == null && h.tpmUsed == null ? 'no limit' : `${h.rpmUsed ?? '–'} / ${h.tpmUsed ?? '–'}`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
