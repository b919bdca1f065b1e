// Incidents as time windows: one track per deployment where a window can be added (click),
// moved (drag) or resized (drag an edge), and a row per window to type its numbers.
import { useRef } from 'react';
import type { GroupDeploymentRef } from '@/components/flow/group-deployments';
import { newIncident, trimNumber, type FormErrors, type IncidentForm } from '../utils/simulation-input';
import { ErrorKindSelect, NumberInput, PercentInput } from './FormControls';
import '../simulation.css';

interface IncidentEditorProps {
  deployments: readonly GroupDeploymentRef[];
  incidents: readonly IncidentForm[];
  /** The tracks' extent in seconds. */
  domainSeconds: number;
  errors: FormErrors;
  disabled: boolean;
  onChange: (incidents: IncidentForm[]) => void;
}

type Drag = { key: string; mode: 'move' | 'start' | 'end'; originX: number; start: number; end: number; width: number };

const EDGE_PX = 7;

function snap(seconds: number, domain: number): number {
  const step = domain > 120 ? 1 : domain > 20 ? 0.5 : 0.1;
  return Math.round(seconds / step) * step;
}

export function IncidentEditor({ deployments, incidents, domainSeconds, errors, disabled, onChange }: IncidentEditorProps) {
  const drag = useRef<Drag | null>(null);
  const domain = Math.max(1, domainSeconds);
  const update = (key: string, patch: Partial<IncidentForm>) =>
    onChange(incidents.map((w) => (w.key === key ? { ...w, ...patch } : w)));

  const addAt = (modelId: string, seconds: number) => {
    const length = Math.max(1, snap(domain / 6, domain));
    const start = Math.max(0, Math.min(domain - length, snap(seconds - length / 2, domain)));
    onChange([...incidents, newIncident(modelId, start, start + length)]);
  };

  const onTrackPointerDown = (modelId: string) => (e: React.PointerEvent<HTMLDivElement>) => {
    if (disabled || e.target !== e.currentTarget) return;
    const box = e.currentTarget.getBoundingClientRect();
    addAt(modelId, ((e.clientX - box.left) / box.width) * domain);
  };

  const onWindowPointerDown = (w: IncidentForm) => (e: React.PointerEvent<HTMLSpanElement>) => {
    if (disabled) return;
    e.stopPropagation();
    const box = e.currentTarget.getBoundingClientRect();
    const track = e.currentTarget.parentElement?.getBoundingClientRect();
    const x = e.clientX - box.left;
    const mode = x <= EDGE_PX ? 'start' : x >= box.width - EDGE_PX ? 'end' : 'move';
    drag.current = {
      key: w.key,
      mode,
      originX: e.clientX,
      start: Number(w.startSeconds) || 0,
      end: Number(w.endSeconds) || 0,
      width: track?.width ?? 1,
    };
    e.currentTarget.setPointerCapture(e.pointerId);
  };

  const onWindowPointerMove = (e: React.PointerEvent<HTMLSpanElement>) => {
    const d = drag.current;
    if (!d) return;
    const delta = ((e.clientX - d.originX) / d.width) * domain;
    let start = d.start;
    let end = d.end;
    if (d.mode === 'move') {
      const length = d.end - d.start;
      start = Math.max(0, Math.min(domain - length, snap(d.start + delta, domain)));
      end = start + length;
    } else if (d.mode === 'start') {
      start = Math.max(0, Math.min(d.end - 0.1, snap(d.start + delta, domain)));
    } else {
      end = Math.min(domain, Math.max(d.start + 0.1, snap(d.end + delta, domain)));
    }
    update(d.key, { startSeconds: trimNumber(start), endSeconds: trimNumber(end) });
  };

  const onWindowPointerUp = () => {
    drag.current = null;
  };

  const name = (modelId: string) => deployments.find((d) => d.deploymentId === modelId)?.deploymentName ?? modelId;

  return (
    <div className="sim-incidents" data-testid="incident-editor">
      <div className="sim-incident-tracks" aria-label="Incident windows">
        {deployments.map((d) => (
          <div key={d.deploymentId} className="sim-incident-row">
            <span className="sim-incident-track-name" title={d.deploymentId}>
              {d.deploymentName} · {d.provider}
            </span>
            <div
              className="sim-incident-track"
              data-testid="incident-track"
              data-deployment-id={d.deploymentId}
              title="Click to add an incident; drag a window to move it, its edges to resize it"
              onPointerDown={onTrackPointerDown(d.deploymentId)}
            >
              {incidents
                .filter((w) => w.modelId === d.deploymentId)
                .map((w) => {
                  const start = Number(w.startSeconds) || 0;
                  const end = Number(w.endSeconds) || 0;
                  return (
                    <span
                      key={w.key}
                      className="sim-incident-window"
                      data-testid="incident-window"
                      style={{
                        left: `${Math.max(0, (100 * start) / domain)}%`,
                        width: `${Math.max(0.5, (100 * (end - start)) / domain)}%`,
                      }}
                      onPointerDown={onWindowPointerDown(w)}
                      onPointerMove={onWindowPointerMove}
                      onPointerUp={onWindowPointerUp}
                      onPointerCancel={onWindowPointerUp}
                    >
                      {w.failurePercent}%
                    </span>
                  );
                })}
            </div>
          </div>
        ))}
        <div className="sim-incident-axis">
          <span>0 s</span>
          <span>{trimNumber(domain / 2)} s</span>
          <span>{trimNumber(domain)} s</span>
        </div>
      </div>
      {incidents.length > 0 && (
        // One card per incident, every field under its caption: a table's narrow columns cut
        // the numbers off ("10" for 105) in the side column.
        <ul className="sim-incident-list" aria-label="Incidents">
          {incidents.map((w, i) => {
            const err = (f: string) => errors[`incident.${w.key}.${f}`];
            const label = `incident ${i + 1}`;
            return (
              <li key={w.key} className="sim-incident-card" data-testid="incident-row">
                <label className="sim-incident-field sim-incident-deployment">
                  <span>Deployment</span>
                  <select
                    value={w.modelId}
                    disabled={disabled}
                    aria-label={`Deployment of ${label}`}
                    onChange={(e) => update(w.key, { modelId: e.target.value })}
                  >
                    {deployments.map((d) => (
                      <option key={d.deploymentId} value={d.deploymentId}>
                        {name(d.deploymentId)} ({d.provider})
                      </option>
                    ))}
                  </select>
                </label>
                <button
                  type="button"
                  className="button button-ghost button-small sim-incident-remove"
                  disabled={disabled}
                  aria-label={`Remove ${label}`}
                  onClick={() => onChange(incidents.filter((x) => x.key !== w.key))}
                >
                  ✕
                </button>
                <label className="sim-incident-field">
                  <span>From s</span>
                  <NumberInput
                    decimal
                    value={w.startSeconds}
                    disabled={disabled}
                    label={`Start of ${label}`}
                    invalid={Boolean(err('start'))}
                    title={err('start')}
                    onChange={(startSeconds) => update(w.key, { startSeconds })}
                  />
                </label>
                <label className="sim-incident-field">
                  <span>To s</span>
                  <NumberInput
                    decimal
                    value={w.endSeconds}
                    disabled={disabled}
                    label={`End of ${label}`}
                    invalid={Boolean(err('end'))}
                    title={err('end')}
                    onChange={(endSeconds) => update(w.key, { endSeconds })}
                  />
                </label>
                <label className="sim-incident-field">
                  <span>Fail %</span>
                  <PercentInput
                    value={w.failurePercent}
                    disabled={disabled}
                    label={`Failure rate of ${label}`}
                    onChange={(failurePercent) => update(w.key, { failurePercent })}
                  />
                </label>
                <label className="sim-incident-field">
                  <span>+ms</span>
                  <NumberInput
                    decimal
                    value={w.addedLatencyMs}
                    disabled={disabled}
                    label={`Added latency of ${label}`}
                    invalid={Boolean(err('addedLatencyMs'))}
                    title={err('addedLatencyMs')}
                    onChange={(addedLatencyMs) => update(w.key, { addedLatencyMs })}
                  />
                </label>
                <label className="sim-incident-field sim-incident-error">
                  <span>Error</span>
                  <ErrorKindSelect
                    value={w.errorKind}
                    disabled={disabled}
                    label={`Error kind of ${label}`}
                    onChange={(errorKind) => update(w.key, { errorKind })}
                  />
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {incidents.some((w) => errors[`incident.${w.key}.start`] || errors[`incident.${w.key}.end`]) && (
        <div className="field-error">Each incident needs a start and an end after it, in seconds.</div>
      )}
      <button
        type="button"
        className="button button-small"
        disabled={disabled || deployments.length === 0}
        onClick={() => addAt(deployments[0]?.deploymentId ?? '', domain / 2)}
      >
        + Add incident
      </button>
    </div>
  );
}
