// Traffic per deployment over (simulated) time: stacked areas of successful and failed attempts
// per second, incident windows shaded, a cursor at the run's clock, and under the chart one
// lane per deployment with its cooldown periods and incidents. Props-driven: anything that
// folds RequestTrace batches into a timeline (utils/timeline.ts) can draw it.
import { useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DeploymentRef } from '@/components/flow/traffic-counts';
import { cooldownWindows, niceCeiling, timelineRows, type TimeWindow } from '../utils/timeline-view';
import type { TimelineBucket } from '../utils/timeline';
import type { IncidentWindow } from '../utils/run-view';
import { formatCount } from '../utils/format';
import '../timeline.css';
import { FAILURE_COLOR, laneColor } from '../utils/lane-colors';

const Y_AXIS_WIDTH = 52;
const RIGHT_MARGIN = 16;

export interface TimelineChartProps {
  buckets: readonly TimelineBucket[];
  deployments: readonly DeploymentRef[];
  /** Exact cooldown windows (the summary's); without them, bands come from the buckets' flags. */
  cooldowns?: readonly TimeWindow[] | null;
  incidents?: readonly IncidentWindow[];
  /** The run's clock, drawn as a cursor. */
  cursorMs?: number | null;
  /** The time axis' extent when known up front (traffic over time), so it never rescales. */
  domainMs?: number | null;
  height?: number;
  title?: string;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  if (s >= 100) return `${Math.round(s)} s`;
  if (s >= 10) return `${s.toFixed(1).replace(/\.0$/, '')} s`;
  return `${s.toFixed(2).replace(/0+$/, '').replace(/\.$/, '')} s`;
}

function percentOf(ms: number, domain: number): string {
  return `${Math.max(0, Math.min(100, (100 * ms) / domain)).toFixed(3)}%`;
}

export function TimelineChart({
  buckets,
  deployments,
  cooldowns,
  incidents = [],
  cursorMs,
  domainMs,
  height = 220,
  title,
}: TimelineChartProps) {
  const last = buckets[buckets.length - 1];
  const extent = Math.max(last?.endMs ?? 0, cursorMs ?? 0, 1000);
  // A known extent stays put; an open one grows in 1-2-5 steps, so the axis does not jump per frame.
  const domain = domainMs ? Math.max(domainMs, extent) : niceCeiling(extent);
  const rows = useMemo(() => timelineRows(buckets, deployments), [buckets, deployments]);
  const peak = useMemo(
    () => rows.reduce((max, row) => Math.max(max, row.total), 0),
    [rows],
  );
  const bands = useMemo(() => cooldownWindows(buckets, cooldowns, domain), [buckets, cooldowns, domain]);
  const totals = useMemo(() => {
    let requests = 0;
    let failed = 0;
    for (const b of buckets) {
      requests += b.requests;
      failed += b.failedRequests;
    }
    return { requests, failed };
  }, [buckets]);

  return (
    <div
      className="sim-timeline"
      data-testid="timeline-chart"
      data-buckets={buckets.length}
      data-requests={totals.requests}
      data-failed={totals.failed}
      data-domain-ms={domain}
    >
      {title && <h4 className="sim-timeline-title">{title}</h4>}
      <div style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={rows} margin={{ top: 8, right: RIGHT_MARGIN, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              type="number"
              dataKey="t"
              domain={[0, domain]}
              allowDataOverflow
              tickFormatter={(v: number) => seconds(v)}
              tick={{ fontSize: 12 }}
            />
            <YAxis
              width={Y_AXIS_WIDTH}
              domain={[0, niceCeiling(Math.max(peak, 1))]}
              allowDataOverflow
              tick={{ fontSize: 12 }}
              label={{ value: 'attempts/s', angle: -90, position: 'insideLeft', fontSize: 11, dy: 30 }}
            />
            <Tooltip
              labelFormatter={(v) => `from ${seconds(Number(v))}`}
              formatter={(value, name) => [Number(value).toFixed(1), name]}
            />
            {incidents.map((w, i) => (
              <ReferenceArea key={`incident-${i}`} x1={w.startMs} x2={w.endMs} fill={FAILURE_COLOR} fillOpacity={0.08} />
            ))}
            {deployments.map((d, i) => (
              <Area
                key={`ok-${d.deploymentId}`}
                type="stepAfter"
                dataKey={`ok:${d.deploymentId}`}
                name={`${d.deploymentName} ✓`}
                stackId="traffic"
                stroke={laneColor(i)}
                fill={laneColor(i)}
                fillOpacity={0.55}
                isAnimationActive={false}
              />
            ))}
            {deployments.map((d) => (
              <Area
                key={`err-${d.deploymentId}`}
                type="stepAfter"
                dataKey={`err:${d.deploymentId}`}
                name={`${d.deploymentName} ✗`}
                stackId="traffic"
                stroke={FAILURE_COLOR}
                fill={FAILURE_COLOR}
                fillOpacity={0.7}
                isAnimationActive={false}
              />
            ))}
            {cursorMs !== null && cursorMs !== undefined && (
              <ReferenceLine x={Math.min(cursorMs, domain)} stroke="#111827" strokeDasharray="4 3" />
            )}
          </AreaChart>
        </ResponsiveContainer>
      </div>
      <div className="sim-lanes" style={{ marginLeft: Y_AXIS_WIDTH, marginRight: RIGHT_MARGIN }}>
        {deployments.map((d, i) => (
          // The name sits above its lane: bands never cover it, and it wraps on a phone.
          <div key={d.deploymentId} className="sim-lane-row">
            <span className="sim-lane-name">
              <i
                className="sim-lane-swatch"
                aria-hidden="true"
                style={{ background: laneColor(i) }}
              />
              {d.deploymentName} · {d.provider}
            </span>
          <div className="sim-lane" data-testid="timeline-lane" data-deployment-id={d.deploymentId}>
            {incidents
              .filter((w) => w.deploymentId === d.deploymentId)
              .map((w, j) => (
                <span
                  key={`i-${j}`}
                  className="sim-lane-incident"
                  data-testid="incident-band"
                  data-start-ms={w.startMs}
                  data-end-ms={w.endMs}
                  title={`incident ${seconds(w.startMs)} – ${seconds(w.endMs)}`}
                  style={{ left: percentOf(w.startMs, domain), width: percentOf(w.endMs - w.startMs, domain) }}
                />
              ))}
            {(bands.get(d.deploymentId) ?? []).map((w, j) => (
              <span
                key={`c-${j}`}
                className="sim-lane-cooldown"
                data-testid="cooldown-band"
                data-start-ms={w.startMs}
                data-end-ms={w.endMs ?? ''}
                title={`cooling down ${seconds(w.startMs)} – ${w.endMs === null ? 'end' : seconds(w.endMs)}`}
                style={{
                  left: percentOf(w.startMs, domain),
                  width: percentOf((w.endMs ?? domain) - w.startMs, domain),
                }}
              >
                cooldown
              </span>
            ))}
            {cursorMs !== null && cursorMs !== undefined && (
              <span className="sim-lane-cursor" style={{ left: percentOf(cursorMs, domain) }} />
            )}
          </div>
          </div>
        ))}
      </div>
      <div className="sim-timeline-legend">
        {deployments.map((d, i) => (
          <span key={d.deploymentId}>
            <i style={{ background: laneColor(i) }} /> {d.deploymentName} ({d.provider})
          </span>
        ))}
        <span>
          <i style={{ background: FAILURE_COLOR }} /> failed attempts
        </span>
        <span>
          <i className="sim-legend-cooldown" /> cooling down
        </span>
        {incidents.length > 0 && (
          <span>
            <i className="sim-legend-incident" /> incident
          </span>
        )}
        <span className="muted">
          {formatCount(totals.requests)} requests, {formatCount(totals.failed)} failed
          {cursorMs !== null && cursorMs !== undefined ? ` · clock ${seconds(cursorMs)}` : ''}
        </span>
      </div>
    </div>
  );
}
