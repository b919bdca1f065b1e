import { useState } from "react";
import { useQuery } from "urql";
import { ErrorBanner } from "@/components/ErrorBanner";
import type {
  RequestLogFilter,
  RequestStatus,
  SpendGroupBy,
} from "@/gql/graphql";
import { RequestLogQuery, SpendQuery, UsageKeysQuery } from "../api/documents";
import "../usage.css";

export const LOG_PAGE_SIZE = 25;
const SPEND_VIEWS: { value: SpendGroupBy; label: string }[] = [
  { value: "GROUP", label: "Routing group" },
  { value: "KEY", label: "Key" },
  { value: "TEAM", label: "Team" },
];
const RANGES: { hours: number | null; label: string }[] = [
  { hours: 1, label: "Last hour" },
  { hours: 24, label: "Last 24 hours" },
  { hours: 24 * 7, label: "Last 7 days" },
  { hours: null, label: "Everything kept" },
];

function usd(value: number): string {
  return value < 0.01 && value > 0
    ? `$${value.toPrecision(2)}`
    : `$${value.toFixed(2)}`;
}

function since(hours: number | null): string | null {
  return hours === null
    ? null
    : new Date(Date.now() - hours * 3600_000).toISOString();
}

export function UsagePage() {
  const [groupBy, setGroupBy] = useState<SpendGroupBy>("GROUP");
  const [hours, setHours] = useState<number | null>(24);
  const [status, setStatus] = useState<RequestStatus | "">("");
  const [page, setPage] = useState(1);
  // Fixed per render choice, so the query variables stay stable between renders.
  const [from] = useState(() => new Map<number | null, string | null>());
  if (!from.has(hours)) from.set(hours, since(hours));
  const filter: RequestLogFilter = {
    since: from.get(hours) ?? null,
    status: status || null,
  };

  const [spend] = useQuery({
    query: SpendQuery,
    variables: { groupBy, filter: { since: filter.since } },
  });
  const [log] = useQuery({
    query: RequestLogQuery,
    variables: { filter, page, size: LOG_PAGE_SIZE },
    requestPolicy: "cache-and-network",
  });
  const [keys] = useQuery({ query: UsageKeysQuery });
  const keyNames = new Map(
    (keys.data?.keys ?? []).map((k) => [k.keyId, k.keyAlias ? `${k.keyAlias} (${k.keyPrefix}…)` : `${k.keyPrefix}…`]),
  );
  // No key on a log row: the master key made the request.
  const keyName = (id: string | null | undefined) => (id ? (keyNames.get(id) ?? id) : "master key");
  const rows = spend.data?.spend ?? [];
  const entries = log.data?.requestLog;
  const totalPages = entries
    ? Math.max(1, Math.ceil(entries.total / entries.size))
    : 1;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Usage</h1>
          <p className="muted">
            Requests, tokens and spend of real /v1 traffic, from the request
            log.
          </p>
        </div>
        <label>
          Period{" "}
          <select
            aria-label="Period"
            value={hours === null ? "" : String(hours)}
            onChange={(event) => {
              setHours(
                event.target.value === "" ? null : Number(event.target.value),
              );
              setPage(1);
            }}
          >
            {RANGES.map((r) => (
              <option
                key={r.label}
                value={r.hours === null ? "" : String(r.hours)}
              >
                {r.label}
              </option>
            ))}
          </select>
        </label>
      </header>

      {spend.error && (
        <ErrorBanner>Could not load spend: {spend.error.message}</ErrorBanner>
      )}
      <section className="panel table-panel" aria-label="Spend">
        <div className="usage-toolbar">
          <h2>Spend by</h2>
          {SPEND_VIEWS.map((view) => (
            <button
              key={view.value}
              type="button"
              className={`button button-small${groupBy === view.value ? " button-primary" : ""}`}
              aria-pressed={groupBy === view.value}
              onClick={() => setGroupBy(view.value)}
            >
              {view.label}
            </button>
          ))}
        </div>
        {rows.length === 0 && !spend.fetching && (
          <p className="muted">No requests in this period.</p>
        )}
        {rows.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Requests</th>
                <th>Failures</th>
                <th>Tokens (in / out)</th>
                <th>Spend</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id ?? "none"}>
                  <td>
                    {row.name ??
                      row.id ??
                      (groupBy === "KEY" ? "master key" : "no team")}
                  </td>
                  <td>{row.requests}</td>
                  <td>{row.failures}</td>
                  <td>
                    {row.promptTokens} / {row.completionTokens}
                  </td>
                  <td>{usd(row.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {log.error && (
        <ErrorBanner>
          Could not load the request log: {log.error.message}
        </ErrorBanner>
      )}
      <section className="panel table-panel" aria-label="Request log">
        <div className="usage-toolbar">
          <h2>Request log</h2>
          <select
            aria-label="Status"
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as RequestStatus | "");
              setPage(1);
            }}
          >
            <option value="">All</option>
            <option value="SUCCESS">Succeeded</option>
            <option value="FAILURE">Failed</option>
          </select>
        </div>
        {entries && entries.total === 0 && (
          <p className="muted">No requests logged in this period.</p>
        )}
        {entries && entries.total > 0 && (
          <table className="table compact">
            <thead>
              <tr>
                <th>Time</th>
                <th>Group</th>
                <th>Key</th>
                <th>Deployment</th>
                <th>Status</th>
                <th>Attempts</th>
                <th>Latency</th>
                <th>Tokens</th>
                <th>Cost</th>
              </tr>
            </thead>
            <tbody>
              {entries.items.map((e) => (
                <tr key={e.requestId}>
                  <td>{new Date(e.startedAt).toLocaleString()}</td>
                  <td>{e.routingGroupName}</td>
                  <td data-testid="log-key">{keyName(e.keyId)}</td>
                  <td>{e.deploymentId ?? "—"}</td>
                  <td>{e.success ? e.statusCode : `${e.statusCode} failed`}</td>
                  <td
                    title={e.attempts
                      .map(
                        (a) => `${a.deploymentId}: ${a.errorKind ?? a.status}`,
                      )
                      .join("\n")}
                  >
                    {e.attempts.length}
                  </td>
                  <td>{Math.round(e.latencyMs)} ms</td>
                  <td>{e.promptTokens + e.completionTokens}</td>
                  <td>{usd(e.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {entries && entries.total > entries.size && (
          <div className="usage-toolbar">
            <button
              type="button"
              className="button button-small"
              disabled={page <= 1}
              onClick={() => setPage(page - 1)}
            >
              ← Newer
            </button>
            <span className="muted">
              Page {page} of {totalPages}
            </span>
            <button
              type="button"
              className="button button-small"
              disabled={page >= totalPages}
              onClick={() => setPage(page + 1)}
            >
              Older →
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
