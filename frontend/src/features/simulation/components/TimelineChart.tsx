// Traffic per deployment over (simulated) time: stacked areas of successful and failed attempts
// per second, incident windows shaded, a cursor at the run's clock, and under the chart one
// lane per deployment with its cooldown periods and incidents. Props-driven: anything that
// folds RequestTrace batches into a timeline (utils/timeline.ts) can draw it.
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { DeploymentRef } from '@/components/flow/traffic-counts';
import { cooldownWindows, niceCeiling, timelineRows, type TimelineRow, type TimeWindow } from '../utils/timeline-view';
import type { TimelineBucket } from '../utils/timeline';
import type { IncidentWindow } from '../utils/run-view';
import { formatCount } from '../utils/format';
import '../timeline.css';
import { FAILURE_COLOR, laneColor } from '../utils/lane-colors';

const Y_AXIS_WIDTH = 52;
const RIGHT_MARGIN = 16;
const TOP_MARGIN = 8;
const X_AXIS_HEIGHT = 24;
const TICKS = 4;

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

/** The element's content width, kept current as it resizes. */
function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.floor(el.clientWidth));
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

function tickText(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 1 ? 2 : 1).replace(/\.?0+$/, '');
}

interface StackedStepsProps {
  rows: readonly TimelineRow[];
  deployments: readonly DeploymentRef[];
  incidents: readonly IncidentWindow[];
  cursorMs: number | null;
  domain: number;
  yMax: number;
  width: number;
  height: number;
}

/**
 * Attempts per second as stacked step areas (each deployment's successes, then the failures on
 * top), drawn as plain SVG paths: a few hundred path points, so redrawing while a long run
 * streams costs well under a millisecond (a charting library's store and scales cost far more).
 */
function StackedSteps({ rows, deployments, incidents, cursorMs, domain, yMax, width, height }: StackedStepsProps) {
  const plotW = Math.max(1, width - Y_AXIS_WIDTH - RIGHT_MARGIN);
  const plotH = Math.max(1, height - TOP_MARGIN - X_AXIS_HEIGHT);
  const x = (ms: number) => Y_AXIS_WIDTH + (Math.max(0, Math.min(domain, ms)) / domain) * plotW;
  const y = (value: number) => TOP_MARGIN + plotH * (1 - Math.min(1, value / yMax));
  const series = [
    ...deployments.map((d, i) => ({ key: `ok:${d.deploymentId}`, name: `${d.deploymentName} ✓`, color: laneColor(i), opacity: 0.55 })),
    ...deployments.map((d) => ({ key: `err:${d.deploymentId}`, name: `${d.deploymentName} ✗`, color: FAILURE_COLOR, opacity: 0.7 })),
  ];
  const base = rows.map(() => 0);
  const areas = series.map((s) => {
    const lower = [...base];
    rows.forEach((row, k) => {
      base[k] = (base[k] ?? 0) + (row[s.key] ?? 0);
    });
    if (rows.length < 2 || base.every((v, k) => v === lower[k])) return { ...s, d: '' };
    // Step after: each row's value holds until the next row's time.
    let top = '';
    for (let k = 0; k + 1 < rows.length; k += 1) {
      const x0 = x((rows[k] as TimelineRow).t).toFixed(1);
      const x1 = x((rows[k + 1] as TimelineRow).t).toFixed(1);
      const yk = y(base[k] ?? 0).toFixed(1);
      top += `${k === 0 ? 'M' : 'L'}${x0},${yk}L${x1},${yk}`;
    }
    let bottom = '';
    for (let k = rows.length - 2; k >= 0; k -= 1) {
      const x0 = x((rows[k] as TimelineRow).t).toFixed(1);
      const x1 = x((rows[k + 1] as TimelineRow).t).toFixed(1);
      const yk = y(lower[k] ?? 0).toFixed(1);
      bottom += `L${x1},${yk}L${x0},${yk}`;
    }
    return { ...s, d: `${top}${bottom}Z` };
  });
  const yTicks = Array.from({ length: TICKS + 1 }, (_, i) => (yMax * i) / TICKS);
  const xTicks = Array.from({ length: TICKS + 1 }, (_, i) => (domain * i) / TICKS);
  return (
    <svg width={width} height={height} className="sim-timeline-svg" role="img" aria-label="Attempts per second over time, per deployment">
      {yTicks.map((v) => (
        <g key={`y-${v}`}>
          <line x1={Y_AXIS_WIDTH} x2={Y_AXIS_WIDTH + plotW} y1={y(v)} y2={y(v)} stroke="#e5e7eb" strokeDasharray={v === 0 ? undefined : '3 3'} />
          <text x={Y_AXIS_WIDTH - 6} y={y(v)} dy="0.32em" textAnchor="end" fontSize={12} fill="#4b5563">
            {tickText(v)}
          </text>
        </g>
      ))}
      <text
        transform={`translate(12, ${TOP_MARGIN + plotH / 2}) rotate(-90)`}
        textAnchor="middle"
        fontSize={11}
        fill="#4b5563"
      >
        attempts/s
      </text>
      {xTicks.map((v) => (
        <text key={`x-${v}`} x={x(v)} y={TOP_MARGIN + plotH + 16} textAnchor={v === 0 ? 'start' : v === domain ? 'end' : 'middle'} fontSize={12} fill="#4b5563">
          {seconds(v)}
        </text>
      ))}
      {incidents.map((w, i) => (
        <rect key={`incident-${i}`} x={x(w.startMs)} width={Math.max(0, x(w.endMs) - x(w.startMs))} y={TOP_MARGIN} height={plotH} fill={FAILURE_COLOR} fillOpacity={0.08} />
      ))}
      {areas.map((a) =>
        a.d ? (
          <path key={a.key} d={a.d} fill={a.color} fillOpacity={a.opacity} stroke={a.color} strokeWidth={1}>
            <title>{a.name}</title>
          </path>
        ) : null,
      )}
      <line x1={Y_AXIS_WIDTH} x2={Y_AXIS_WIDTH + plotW} y1={TOP_MARGIN + plotH} y2={TOP_MARGIN + plotH} stroke="#6b7280" />
      {cursorMs !== null && (
        <line x1={x(cursorMs)} x2={x(cursorMs)} y1={TOP_MARGIN} y2={TOP_MARGIN + plotH} stroke="#111827" strokeDasharray="4 3" />
      )}
    </svg>
  );
}

/** Memoised: while a run streams it redraws only when the timeline is republished (a few times a second). */
export const TimelineChart = memo(function TimelineChart({
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
  const [box, width] = useWidth();
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
      <div ref={box} style={{ height }}>
        {width > 0 && (
          <StackedSteps
            rows={rows}
            deployments={deployments}
            incidents={incidents}
            cursorMs={cursorMs ?? null}
            domain={domain}
            yMax={niceCeiling(Math.max(peak, 1))}
            width={width}
            height={height}
          />
        )}
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
});
