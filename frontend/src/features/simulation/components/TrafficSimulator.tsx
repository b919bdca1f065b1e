import { useEffect, useMemo, useRef, useState } from 'react';
import { ConfirmDialog } from '@/components/ConfirmDialog';
import { ErrorBanner } from '@/components/ErrorBanner';
import type { RoutingGroupPatch, SimulationInput } from '@/gql/graphql';
import { STRATEGY_LABELS } from '@/lib/strategy-names';
import { useRunPair } from '../hooks/use-run-pair';
import { expectedRequests, type RunState } from '../hooks/use-simulation-run';
import type { SimulationTabProps } from '../types';
import { comparePair } from '../utils/compare-pair';
import { draftFromGroup, draftToPatch, type DraftErrors, type DraftForm } from '../utils/draft';
import { formatCount } from '../utils/format';
import { groupDeploymentRefs, type GroupDeploymentRef } from '@/components/flow/group-deployments';
import { viewFromRun } from '../utils/run-view';
import {
  formFromInput,
  loadScenario,
  saveScenario,
  readRerun,
  clearRerun,
  toSimulationInput,
  type FormErrors,
  type SimulatorForm,
} from '../utils/simulation-input';
import { ApplyChange } from './ApplyChange';
import { DraftEditor } from './DraftEditor';
import { RunProgress, stoppedByServer } from './RunProgress';
import { ScenarioEditor } from './ScenarioEditor';
import { SimulationResults } from './SimulationResults';
import '../simulation.css';

/** One sentence for the run, or for both runs of a comparison once both are in. */
function CheckLine({ state, other = null, suffix = '' }: { state: RunState; other?: RunState | null; suffix?: string }) {
  if (!state.summary) return null;
  if (other && other.status !== 'idle' && !other.summary && other.status !== 'failed') return null;
  const both = other?.summary ? [state, other] : [state];
  const total = both.reduce((n, s) => n + s.mismatches.length + s.timelineMismatches.length, 0);
  if (stoppedByServer(state)) {
    return (
      <p className="hint" role="status" data-testid={`sim-check${suffix}`} data-server-stopped="true">
        The server stopped this run before it finished (it was shutting down or restarting): the numbers cover the{' '}
        {formatCount(state.summary.totalRequests)} requests that finished. Run it again once the server is back.
      </p>
    );
  }
  return (
    <p
      className="hint"
      data-testid={`sim-check${suffix}`}
      data-mismatches={both.reduce((n, s) => n + s.mismatches.length, 0)}
      data-timeline-mismatches={both.reduce((n, s) => n + s.timelineMismatches.length, 0)}
      title={both.flatMap((s) => [...s.mismatches, ...s.timelineMismatches]).slice(0, 20).join('\n')}
    >
      {total === 0
        ? `Final numbers are the server's ${both.length > 1 ? 'summaries' : 'summary'}; the live counters and timeline matched ${both.length > 1 ? 'them' : 'it'} exactly.`
        : `The live numbers differed from the server's summary in ${total} places; showing the summary.`}
    </p>
  );
}

/** The draft's deployments in its own order and weights, for its diagram and shares. */
function draftDeployments(deployments: readonly GroupDeploymentRef[], draft: DraftForm): GroupDeploymentRef[] {
  const byId = new Map(draft.deployments.map((d) => [d.modelId, d]));
  return deployments.map((d) => {
    const edit = byId.get(d.deploymentId);
    return {
      ...d,
      priority: edit && edit.priority !== '' ? Number(edit.priority) : d.priority,
      weight: edit && edit.weight !== '' ? Number(edit.weight) : d.weight,
    };
  });
}

export function TrafficSimulator({ group, onSaved }: SimulationTabProps) {
  const deployments = useMemo(() => groupDeploymentRefs(group), [group]);
  const ids = useMemo(() => deployments.map((d) => d.deploymentId), [deployments]);
  // History's "Run again" leaves the saved input for this tab to load and start once.
  const [rerun] = useState(() => readRerun(group.routingGroupId));
  // The incidents of an earlier visit are offered, not silently put back into the next run.
  const [remembered] = useState(() => (rerun ? null : loadScenario(group.routingGroupId, ids)));
  const [offered, setOffered] = useState(() => remembered?.incidents ?? []);
  const [form, setFormState] = useState<SimulatorForm>(() =>
    remembered ? { ...remembered, incidents: [] } : formFromInput(rerun, ids),
  );
  const [errors, setErrors] = useState<FormErrors>({});
  const [draft, setDraft] = useState<DraftForm | null>(null);
  const [draftErrors, setDraftErrors] = useState<DraftErrors>({});
  const [confirmReal, setConfirmReal] = useState<SimulationInput | null>(null);
  const pair = useRunPair(group.routingGroupId, deployments);
  const { base, whatIf, busy, pairRun, waitingForSlot } = pair;
  const comparing = draft !== null && pairRun;
  // The draft as it was when the pair started: what "Apply this change" saves (not later edits).
  const [ranDraft, setRanDraft] = useState<DraftForm | null>(null);

  const setForm = (next: SimulatorForm) => {
    setFormState(next);
    // Until the offer is taken or dismissed, the remembered incidents stay remembered.
    saveScenario(group.routingGroupId, next.incidents.length === 0 && offered.length > 0 ? { ...next, incidents: offered } : next);
  };

  const launch = (input: SimulationInput) => {
    if (draft) {
      const { patch } = draftToPatch(draft);
      // Both runs on one seed and one startAt, so the only difference is the draft.
      const { saved, drafted } = comparePair(input, patch as RoutingGroupPatch);
      setRanDraft(draft);
      pair.startPair(saved, drafted);
    } else {
      pair.startSingle(input);
    }
  };

  const run = (from: SimulatorForm = form) => {
    const result = toSimulationInput(from);
    const drafted = draft ? draftToPatch(draft) : null;
    setDraftErrors(drafted?.errors ?? {});
    if (!result.input) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    if (drafted?.errors) return;
    if (result.input.mock) launch(result.input);
    else setConfirmReal(result.input);
  };

  const rerunStarted = useRef(false);
  useEffect(() => {
    if (!rerun || rerunStarted.current) return;
    rerunStarted.current = true;
    clearRerun();
    saveScenario(group.routingGroupId, form);
    run(form);
    // Once, on arrival; later renders must not restart it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const stop = pair.stop;
  const error = pair.error;
  const baseView = viewFromRun(base.state, ids);
  const draftView = comparing ? viewFromRun(whatIf.state, ids) : null;
  const draftRefs = draft ? draftDeployments(deployments, draft) : deployments;
  const whatIfDone = whatIf.state.status === 'finished' && Boolean(whatIf.state.summary) && !whatIf.state.summary?.cancelled;
  const exportName = (suffix: string) => `simulation-${group.routingGroupName}-${base.state.simulationId ?? 'run'}${suffix}`;

  return (
    <div className={`sim-layout${comparing ? ' sim-layout-compare' : ''}`}>
      <aside className="panel sim-side" aria-label="Simulation settings">
        <div className="sim-runbar">
          <div className="sim-runbar-buttons">
            <button type="button" className="button button-primary" disabled={busy} onClick={() => run()}>
              {draft ? 'Run both' : 'Run'}
            </button>
            <button
              type="button"
              className="button button-danger-outline"
              disabled={!busy}
              onClick={stop}
            >
              Stop
            </button>
            {!draft && (
              <button type="button" className="button button-ghost" disabled={busy} onClick={() => setDraft(draftFromGroup(group))}>
                Compare with a change
              </button>
            )}
          </div>
          <RunProgress state={base.state} label={draft ? 'saved' : undefined} />
          {draft && (
            <RunProgress
              state={whatIf.state}
              suffix="-draft"
              label="draft"
              waiting={pairRun && waitingForSlot}
            />
          )}
          {error &&
            (base.state.interrupted || whatIf.state.interrupted ? (
              <ErrorBanner>{error}</ErrorBanner>
            ) : (
              <ErrorBanner>The simulation failed: {error}</ErrorBanner>
            ))}
          {Object.keys(errors).length + Object.keys(draftErrors).length > 0 && (
            <div className="field-error" role="alert" data-testid="form-errors">
              Fix the highlighted fields:{' '}
              {[...Object.values(errors), ...Object.values(draftErrors)].filter((v, i, a) => a.indexOf(v) === i).join('; ')}
            </div>
          )}
          <CheckLine state={base.state} other={comparing ? whatIf.state : null} />
        </div>
        {offered.length > 0 && (
          <div className="banner banner-warning incident-offer" role="status" data-testid="incident-offer">
            <span>
              Your last scenario here had {offered.length === 1 ? 'an incident' : `${offered.length} incidents`}. It is not in
              this run unless you restore it.
            </span>
            <span className="row-buttons">
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  const restored = { ...form, incidents: offered };
                  setOffered([]);
                  setFormState(restored);
                  saveScenario(group.routingGroupId, restored);
                }}
              >
                Restore {offered.length === 1 ? 'it' : 'them'}
              </button>
              <button
                type="button"
                className="button button-small button-ghost"
                onClick={() => {
                  setOffered([]);
                  saveScenario(group.routingGroupId, form);
                }}
              >
                Discard
              </button>
            </span>
          </div>
        )}
        <ScenarioEditor form={form} errors={errors} deployments={deployments} disabled={busy} onChange={setForm} />
        {draft && (
          <DraftEditor
            group={group}
            draft={draft}
            errors={draftErrors}
            disabled={busy}
            onChange={setDraft}
            onClose={() => {
              setDraft(null);
              setDraftErrors({});
            }}
          />
        )}
      </aside>

      <section className="sim-main" aria-label="Simulation results">
        {base.state.status === 'idle' && (
          <p className="muted sim-idle-hint">
            Set the scenario and press Run: the timeline, the numbers and the flow fill in as requests finish.
          </p>
        )}
        {comparing && draftView ? (
          <div className="sim-compare" data-testid="sim-compare">
            <div className="panel">
              <SimulationResults
                title={`Saved group · ${STRATEGY_LABELS[group.routingStrategy]}`}
                strategy={group.routingStrategy}
                deployments={deployments}
                view={baseView}
                exportAs={base.state.input ? { routingGroupId: group.routingGroupId, input: base.state.input, name: exportName('') } : null}
              />
            </div>
            <div className="panel sim-compare-draft" data-testid="sim-compare-draft">
              {whatIfDone && ranDraft && (
                <ApplyChange group={group} draft={ranDraft} onSaved={onSaved} onCompareAgain={() => run()} />
              )}
              <SimulationResults
                title={`Draft · ${STRATEGY_LABELS[draft.routingStrategy]}`}
                strategy={draft.routingStrategy}
                deployments={draftRefs}
                view={draftView}
                other={baseView}
                exportAs={whatIf.state.input ? { routingGroupId: group.routingGroupId, input: whatIf.state.input, name: exportName('-draft') } : null}
              />
            </div>
          </div>
        ) : (
          <div className="panel">
            {/* Mounted before the run starts, so pressing Run only updates numbers. */}
            <SimulationResults
              strategy={group.routingStrategy}
              deployments={deployments}
              view={baseView}
              exportAs={base.state.input ? { routingGroupId: group.routingGroupId, input: base.state.input, name: exportName('') } : null}
            />
          </div>
        )}
      </section>

      {confirmReal && (
        <ConfirmDialog
          title="Call real providers?"
          confirmLabel="Run against providers"
          danger
          onCancel={() => setConfirmReal(null)}
          onConfirm={() => {
            launch(confirmReal);
            setConfirmReal(null);
          }}
        >
          <p>
            {formatCount(expectedRequests(confirmReal))} requests will go to the providers' APIs and be billed, unless the
            deployments use mock responses.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
