// "Apply this change" under a what-if result: the draft that ran, saved as the group's next
// version with expectedVersion (the version this page loaded), so a stale page cannot overwrite.
import { useState } from 'react';
import { useMutation } from 'urql';
import { ErrorBanner } from '@/components/ErrorBanner';
import { ApplyRoutingGroupChangeMutation } from '../api/version-documents';
import type { SimulationGroup } from '../types';
import { applyOutcome, applyPatch, type ApplyOutcome } from '../utils/apply-change';
import { draftChanges, type DraftForm } from '../utils/draft';
import { ConflictNotice } from './ConflictNotice';
import '../replay.css';

interface ApplyChangeProps {
  group: SimulationGroup;
  /** The draft the what-if result was run with (not later edits). */
  draft: DraftForm;
  /** Saved: the page reloads the group. */
  onSaved?: () => void;
  /** After a conflict: run the comparison again against the version that won. */
  onCompareAgain?: () => void;
}

export function ApplyChange({ group, draft, onSaved, onCompareAgain }: ApplyChangeProps) {
  const [state, apply] = useMutation(ApplyRoutingGroupChangeMutation);
  const [outcome, setOutcome] = useState<ApplyOutcome | null>(null);
  const changes = draftChanges(group, draft);
  const save = async () => {
    const input = applyPatch(group, draft);
    if (!input) return;
    const response = await apply({ id: group.routingGroupId, input, expectedVersion: group.version ?? null });
    const next = applyOutcome(response.data?.updateRoutingGroup, response.error?.message);
    setOutcome(next);
    if (next.kind === 'applied') onSaved?.();
  };
  return (
    <section className="apply-change" aria-label="Apply this change" data-testid="apply-change">
      <div className="apply-change-row">
        <button
          type="button"
          className="button button-primary"
          disabled={state.fetching || changes.length === 0 || outcome?.kind === 'applied'}
          onClick={() => void save()}
        >
          Apply this change
        </button>
        <span className="hint">
          {changes.length ? `Saves the draft as version ${(group.version ?? 0) + 1}: ${changes.join('; ')}` : 'The draft changes nothing.'}
        </span>
      </div>
      {outcome?.kind === 'applied' && (
        <div className="banner banner-success" role="status" data-testid="apply-saved">
          Applied: the group is now version {outcome.version}; the live Router switched at once.
        </div>
      )}
      {outcome?.kind === 'conflict' && (
        <ConflictNotice currentVersion={outcome.currentVersion} what="this change">
          <button type="button" className="button button-small" onClick={() => { setOutcome(null); onSaved?.(); }}>
            Reload
          </button>
          {onCompareAgain && (
            <button type="button" className="button button-small" onClick={() => { setOutcome(null); onSaved?.(); onCompareAgain(); }}>
              Compare against version {outcome.currentVersion ?? 'the latest'}
            </button>
          )}
        </ConflictNotice>
      )}
      {outcome?.kind === 'error' && <ErrorBanner>Could not apply the change: {outcome.message}</ErrorBanner>}
    </section>
  );
}
