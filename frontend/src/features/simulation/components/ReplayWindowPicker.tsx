// Replay's window: the last hour, the last day, or a custom from/to, with the group's recorded
// traffic over it drawn as the simulator's timeline (what the replay will meet). The server's
// objections to a window (empty, past retention, too many requests) show at the field.
import { useId } from 'react';
import { useQuery } from 'urql';
import type { DeploymentRef } from '@/components/flow/traffic-counts';
import { RecordedTimelineQuery } from '../api/replay-documents';
import { formatCount } from '../utils/format';
import { busySpans, formForSpan, type BusySpan, type ReplayWindow, type ReplayWindowForm, type WindowErrors, type WindowPreset } from '../utils/replay-window';
import { TimelineChart } from './TimelineChart';
import '../replay.css';

const PRESETS: readonly { value: WindowPreset; label: string }[] = [
  { value: 'hour', label: 'Last hour' },
  { value: 'day', label: 'Last day' },
  { value: 'custom', label: 'Custom' },
];

interface ReplayWindowPickerProps {
  groupId: string;
  deployments: readonly DeploymentRef[];
  form: ReplayWindowForm;
  /** The window the preview draws (and the last run replayed); null until one is valid. */
  window: ReplayWindow | null;
  errors: WindowErrors;
  disabled: boolean;
  onChange: (form: ReplayWindowForm) => void;
}

function DateField({ label, value, error, disabled, onChange }: { label: string; value: string; error?: string; disabled: boolean; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <div className="field replay-date">
      <label>
        <span>{label}</span>
        <input
          type="datetime-local"
          value={value}
          disabled={disabled}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? id : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      {error && (
        <span className="field-error" id={id} data-testid={`replay-${label.toLowerCase()}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

function timeOf(date: Date): string {
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** Stretches of recorded traffic in the window, each a button that makes it the window. */
function Spans({ spans, disabled, onPick }: { spans: readonly BusySpan[]; disabled: boolean; onPick: (span: BusySpan) => void }) {
  if (spans.length < 2) return null;
  return (
    <div className="replay-spans" role="group" aria-label="Replay only a stretch of recorded traffic">
      <span className="hint">Replay only:</span>
      {spans.map((span) => (
        <button
          key={span.from.getTime()}
          type="button"
          className="button button-small button-ghost"
          disabled={disabled}
          data-testid="replay-span"
          onClick={() => onPick(span)}
        >
          {timeOf(span.from)}–{timeOf(span.to)} · {formatCount(span.requests)} requests
        </button>
      ))}
    </div>
  );
}

function RecordedPreview({
  groupId,
  deployments,
  window,
  disabled,
  onPick,
}: {
  groupId: string;
  deployments: readonly DeploymentRef[];
  window: ReplayWindow;
  disabled: boolean;
  onPick: (span: BusySpan) => void;
}) {
  const [{ data, error, fetching }] = useQuery({
    query: RecordedTimelineQuery,
    variables: { id: groupId, from: window.from, to: window.to },
    requestPolicy: 'cache-and-network',
  });
  const buckets = data?.routingGroup?.recorded ?? [];
  const requests = buckets.reduce((n, b) => n + b.requests, 0);
  const failed = buckets.reduce((n, b) => n + b.failedRequests, 0);
  if (error) return <p className="hint">Could not read the recorded traffic: {error.message.replace(/^\[\w+\]\s*/, '')}</p>;
  return (
    <div className="replay-preview" data-testid="replay-recorded-preview" data-requests={data ? requests : ''}>
      <p className="hint">
        {!data && fetching
          ? 'Reading the request log…'
          : requests
            ? `Recorded in this window: ${formatCount(requests)} requests, ${formatCount(failed)} failed.`
            : 'Nothing recorded in this window: pick another.'}
      </p>
      {requests > 0 && <TimelineChart buckets={buckets} deployments={deployments} cooldowns={[]} height={120} title="Recorded traffic" />}
      <Spans spans={busySpans(buckets, new Date(window.from))} disabled={disabled} onPick={onPick} />
    </div>
  );
}

export function ReplayWindowPicker({ groupId, deployments, form, window, errors, disabled, onChange }: ReplayWindowPickerProps) {
  return (
    <section className="replay-window" aria-label="Replay window" data-testid="replay-window">
      <fieldset className="replay-presets" disabled={disabled}>
        <legend>Window of recorded traffic</legend>
        {PRESETS.map((p) => (
          <label key={p.value} className="inline-check">
            <input
              type="radio"
              name="replay-preset"
              value={p.value}
              checked={form.preset === p.value}
              onChange={() => onChange({ ...form, preset: p.value })}
            />
            {p.label}
          </label>
        ))}
      </fieldset>
      {form.preset === 'custom' && (
        <div className="sim-form-row replay-dates">
          <DateField label="From" value={form.from} error={errors.from} disabled={disabled} onChange={(from) => onChange({ ...form, from })} />
          <DateField label="To" value={form.to} error={errors.to} disabled={disabled} onChange={(to) => onChange({ ...form, to })} />
        </div>
      )}
      {form.preset !== 'custom' && (errors.from || errors.to) && (
        <div className="field-error" data-testid="replay-preset-error">
          {[errors.from, errors.to].filter(Boolean).join('; ')}
        </div>
      )}
      {errors.window && (
        <div className="field-error" role="alert" data-testid="replay-window-error">
          {errors.window}
        </div>
      )}
      {window && new Date(window.to) > new Date(window.from) && (
        <RecordedPreview
          groupId={groupId}
          deployments={deployments}
          window={window}
          disabled={disabled}
          onPick={(span) => onChange(formForSpan(span))}
        />
      )}
    </section>
  );
}
