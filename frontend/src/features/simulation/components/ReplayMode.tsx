// Replay mode: a window of the group's request log replayed on the saved group and on a draft,
// side by side with what was recorded; the requests the draft sends elsewhere; and, for the
// draft, "Apply this change". A replay never calls a provider.
import { useEffect, useMemo, useRef, useState } from 'react';
import { groupDeploymentRefs } from '@/components/flow/group-deployments';
import { ErrorBanner } from '@/components/ErrorBanner';
import type { RoutingGroupPatch } from '@/gql/graphql';
import { STRATEGY_LABELS } from '@/lib/strategy-names';
import { useRecordedColumn } from '../hooks/use-recorded-column';
import { useRunPair } from '../hooks/use-run-pair';
import type { RunState } from '../hooks/use-simulation-run';
import type { SimulationTabProps } from '../types';
import { ChangedRequests, type ChangedSnapshot } from '../utils/changed-requests';
import { comparePair } from '../utils/compare-pair';
import { draftFromGroup, draftToPatch, type DraftErrors, type DraftForm } from '../utils/draft';
import { defaultWindowForm, windowErrorsFrom, windowFromForm, type ReplayWindow, type ReplayWindowForm, type WindowErrors } from '../utils/replay-window';
import { viewFromRun } from '../utils/run-view';
import { ApplyChange } from './ApplyChange';
import { ChangedRequestsList } from './ChangedRequestsList';
import { DraftEditor } from './DraftEditor';
import { ExportButtons } from './ExportButtons';
import { ReplayAssumptions } from './ReplayAssumptions';
import { ReplayColumns } from './ReplayColumns';
import { ReplayWindowPicker } from './ReplayWindowPicker';
import { RunProgress } from './RunProgress';
import { replayedColumn } from '../utils/replay-view';
import '../simulation.css';
import '../replay.css';

const EMPTY: ChangedSnapshot = { compared: 0, changed: 0, first: [] };
/** How often the changed-requests list is redrawn while the replays stream. */
const CHANGED_REFRESH_MS = 400;

const finished = (state: RunState) => state.status === 'finished' && Boolean(state.summary) && !state.summary?.cancelled;

export function ReplayMode({ group, onSaved }: SimulationTabProps) {
  const deployments = useMemo(() => groupDeploymentRefs(group), [group]);
  const ids = useMemo(() => deployments.map((d) => d.deploymentId), [deployments]);
  const names = useMemo(() => new Map(group.deployments.map((d) => [d.modelId, d.displayName || d.modelName])), [group.deployments]);
  const [windowForm, setWindowForm] = useState<ReplayWindowForm>(() => defaultWindowForm());
  const [shown, setShown] = useState<ReplayWindow | null>(() => windowFromForm(windowForm).window);
  const [localErrors, setLocalErrors] = useState<WindowErrors>({});
  const [draft, setDraft] = useState<DraftForm>(() => draftFromGroup(group));
  const [draftErrors, setDraftErrors] = useState<DraftErrors>({});
  const [ranDraft, setRanDraft] = useState<DraftForm | null>(null);
  const [changed, setChanged] = useState<ChangedSnapshot>(EMPTY);
  const collector = useRef(new ChangedRequests());
  const publishTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (publishTimer.current !== null) clearTimeout(publishTimer.current);
    },
    [],
  );
  const pair = useRunPair(group.routingGroupId, deployments);
  const { base, whatIf, busy, waitingForSlot } = pair;

  const changeWindow = (next: ReplayWindowForm) => {
    setWindowForm(next);
    setLocalErrors({});
    setShown(windowFromForm(next).window);
  };

  // Redrawn a few times a second, and always after the last batch (a trailing timer).
  const collect = (side: 'saved' | 'draft') => (requests: Parameters<ChangedRequests['add']>[1]) => {
    const target = collector.current;
    target.add(side, requests);
    if (publishTimer.current !== null) return;
    publishTimer.current = setTimeout(() => {
      publishTimer.current = null;
      if (collector.current === target) setChanged(target.snapshot());
    }, CHANGED_REFRESH_MS);
  };

  const run = () => {
    const picked = windowFromForm(windowForm);
    const drafted = draftToPatch(draft);
    setDraftErrors(drafted.errors ?? {});
    if (!picked.window) {
      setLocalErrors(picked.errors);
      return;
    }
    setLocalErrors({});
    if (!drafted.patch) return;
    setShown(picked.window);
    setRanDraft(draft);
    collector.current = new ChangedRequests();
    setChanged(EMPTY);
    const { saved, drafted: draftInput } = comparePair(
      { replay: picked.window, numRequests: 0, concurrency: 0, mock: true },
      drafted.patch as RoutingGroupPatch,
    );
    pair.startPair(saved, draftInput, { saved: collect('saved'), draft: collect('draft') });
  };

  const recorded = useRecordedColumn(group.routingGroupId, base.state.status !== 'idle' ? shown : null, ids, names);
  const serverErrors = windowErrorsFrom([...base.state.fieldErrors, ...whatIf.state.fieldErrors]);
  const windowErrors = { ...serverErrors, ...localErrors };
  const report = base.state.summary?.replay ?? whatIf.state.summary?.replay ?? null;
  const assumed = new Set(report?.assumedDeployments ?? []);
  const otherError = Object.keys(serverErrors).length ? null : pair.error;
  const exportTarget = (state: RunState, suffix: string) => ({
    routingGroupId: group.routingGroupId,
    input: state.input,
    name: `replay-${group.routingGroupName}-${state.summary?.simulationId ?? 'run'}${suffix}`,
  });
  const started = base.state.status !== 'idle';

  return (
    <div className="sim-layout sim-layout-compare" data-testid="replay-mode">
      <aside className="panel sim-side" aria-label="Replay settings">
        <div className="sim-runbar">
          <div className="sim-runbar-buttons">
            <button type="button" className="button button-primary" disabled={busy} onClick={run}>
              Replay both
            </button>
            <button type="button" className="button button-danger-outline" disabled={!busy} onClick={pair.stop}>
              Stop
            </button>
          </div>
          <RunProgress state={base.state} label="saved" />
          <RunProgress state={whatIf.state} suffix="-draft" label="draft" waiting={waitingForSlot} />
          {otherError && <ErrorBanner>The replay failed: {otherError}</ErrorBanner>}
        </div>
        <ReplayWindowPicker
          groupId={group.routingGroupId}
          deployments={deployments}
          form={windowForm}
          window={shown}
          errors={windowErrors}
          disabled={busy}
          onChange={changeWindow}
        />
        <DraftEditor
          group={group}
          draft={draft}
          errors={draftErrors}
          disabled={busy}
          onChange={setDraft}
          onClose={() => setDraft(draftFromGroup(group))}
          title="Draft to replay"
          hint="A change to this group's settings, replayed beside the saved group on the same recorded requests. Not saved."
          closeLabel="Reset"
        />
      </aside>

      <section className="sim-main sim-stack" aria-label="Replay results">
        {!started && (
          <p className="muted sim-idle-hint">
            Pick a window and press Replay both: the recorded requests arrive as they did, each deployment behaves as it
            was recorded to, and the saved group and the draft route them.
          </p>
        )}
        <ReplayColumns
          deployments={deployments}
          columns={[
            {
              id: 'saved',
              title: `Saved group · ${STRATEGY_LABELS[group.routingStrategy]}`,
              data: replayedColumn(viewFromRun(base.state, ids), assumed, names),
              footer: finished(base.state) && base.state.summary && <ExportButtons target={exportTarget(base.state, '')} summary={base.state.summary} label="saved" />,
            },
            {
              id: 'draft',
              title: `Draft · ${STRATEGY_LABELS[(ranDraft ?? draft).routingStrategy]}`,
              data: replayedColumn(viewFromRun(whatIf.state, ids), assumed, names),
              status: finished(whatIf.state) && ranDraft && (
                <ApplyChange group={group} draft={ranDraft} onSaved={onSaved} onCompareAgain={run} />
              ),
              footer: finished(whatIf.state) && whatIf.state.summary && <ExportButtons target={exportTarget(whatIf.state, '-draft')} summary={whatIf.state.summary} label="draft" />,
            },
            { id: 'recorded', title: 'Recorded', data: recorded(report) },
          ]}
        />
        <ReplayAssumptions assumed={report?.assumedDeployments ?? []} names={names} />
        <ChangedRequestsList snapshot={changed} names={names} running={busy} />
      </section>
    </div>
  );
}
