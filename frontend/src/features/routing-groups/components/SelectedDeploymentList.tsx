import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useEffect, useRef } from 'react';
import { ProviderBadge, providerName } from '@/components/ProviderBadge';
import { shortModelName } from '@/lib/model-names';
import type { RoutingStrategy } from '@/gql/graphql';
import { tierPriorities, type SelectedDeployment } from '../utils/builder-form';
import { deploymentFieldKey, type FieldErrorMap } from '../utils/field-errors';
import { moveItem } from '../utils/ordering';
import { formatPercent, weightPercentages } from '../utils/weights';
import { FieldMessages } from './FieldMessages';
import '../routing-groups.css';

interface SelectedDeploymentListProps {
  strategy: RoutingStrategy;
  deployments: readonly SelectedDeployment[];
  errors: FieldErrorMap;
  onChange: (deployments: SelectedDeployment[]) => void;
}

/** What a screen reader calls a selected deployment: its name and provider, never its id. */
export function spokenName(d: Pick<SelectedDeployment, 'displayName' | 'modelName' | 'provider'>): string {
  return d.displayName ?? `${shortModelName(d.modelName)} on ${providerName(d.provider)}`;
}

type FocusTarget = { modelId: string; control: 'card' | 'up' | 'down' };

/** After a change, focus what the keyboard user acted on (React would leave it on the body). */
function focusInList(list: HTMLElement | null, empty: HTMLElement | null, target: FocusTarget | null): void {
  if (!target) return;
  const card = Array.from(list?.querySelectorAll<HTMLElement>('[data-card-id]') ?? []).find(
    (el) => el.dataset.cardId === target.modelId,
  );
  if (!card) {
    empty?.focus();
    return;
  }
  if (target.control === 'card') {
    card.focus();
    return;
  }
  const other = target.control === 'up' ? 'down' : 'up';
  const button =
    card.querySelector<HTMLButtonElement>(`[data-control="${target.control}"]:not(:disabled)`) ??
    card.querySelector<HTMLButtonElement>(`[data-control="${other}"]:not(:disabled)`);
  (button ?? card).focus();
}

export function SelectedDeploymentList({
  strategy,
  deployments,
  errors,
  onChange,
}: SelectedDeploymentListProps) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const ordered = strategy === 'PRIORITY_FAILOVER';
  const percentages = weightPercentages(deployments.map((d) => d.weight));
  const priorities = tierPriorities(deployments);

  const list = useRef<HTMLOListElement>(null);
  const empty = useRef<HTMLParagraphElement>(null);
  const focusNext = useRef<FocusTarget | null>(null);
  const previousIds = useRef(deployments.map((d) => d.modelId));
  useEffect(() => {
    const ids = deployments.map((d) => d.modelId);
    const added = ids.filter((id) => !previousIds.current.includes(id));
    previousIds.current = ids;
    // One card added ("+ Add" in the picker, whose button then disappears): focus the new card.
    const target = focusNext.current ?? (added.length === 1 ? { modelId: added[0]!, control: 'card' as const } : null);
    focusNext.current = null;
    focusInList(list.current, empty.current, target);
  }, [deployments]);

  const move = (from: number, to: number, control: 'up' | 'down') => {
    const moved = deployments[from];
    if (moved) focusNext.current = { modelId: moved.modelId, control };
    onChange(moveItem(deployments, from, to));
  };
  const remove = (index: number) => {
    // The card that takes its place, or the one above when it was the last.
    const next = deployments[index + 1] ?? deployments[index - 1];
    focusNext.current = next ? { modelId: next.modelId, control: 'card' } : { modelId: '', control: 'card' };
    onChange(deployments.filter((_, i) => i !== index));
  };
  const byId = new Map(deployments.map((d, i) => [d.modelId, { d, position: i + 1 }]));
  const nameOf = (id: UniqueIdentifier) => {
    const found = byId.get(String(id));
    return found ? spokenName(found.d) : String(id);
  };
  const positionOf = (id: UniqueIdentifier) => byId.get(String(id))?.position ?? 0;
  const total = deployments.length;
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${nameOf(active.id)}, position ${positionOf(active.id)} of ${total}.`,
    onDragOver: ({ active, over }) =>
      over ? `${nameOf(active.id)} is at position ${positionOf(over.id)} of ${total}.` : `${nameOf(active.id)} is outside the list.`,
    onDragEnd: ({ active, over }) =>
      over ? `Dropped ${nameOf(active.id)} at position ${positionOf(over.id)} of ${total}.` : `Dropped ${nameOf(active.id)}; the order is unchanged.`,
    onDragCancel: ({ active }) => `Cancelled: ${nameOf(active.id)} stays at position ${positionOf(active.id)}.`,
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = deployments.findIndex((d) => d.modelId === active.id);
    const to = deployments.findIndex((d) => d.modelId === over.id);
    onChange(moveItem(deployments, from, to));
  };

  if (deployments.length === 0) {
    return (
      <p className="empty-list muted" ref={empty} tabIndex={-1}>
        No deployments selected yet: add some from the list.
      </p>
    );
  }

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            'To reorder, press space or enter to pick up, use the arrow keys to move, and space or enter again to drop.',
        },
      }}
    >
      <SortableContext items={deployments.map((d) => d.modelId)} strategy={verticalListSortingStrategy}>
        <ol className="selected-deployments" aria-label="Selected deployments" ref={list}>
          {deployments.map((deployment, index) => (
            <SortableRow
              key={deployment.modelId}
              deployment={deployment}
              index={index}
              count={deployments.length}
              ordered={ordered}
              weighted={strategy === 'WEIGHTED'}
              percent={percentages[index] ?? 0}
              priority={priorities[index] ?? index + 1}
              errors={errors}
              onMove={move}
              onSameTier={(sameTierAsAbove) =>
                onChange(deployments.map((d, i) => (i === index ? { ...d, sameTierAsAbove } : d)))
              }
              onWeight={(weight) =>
                onChange(deployments.map((d, i) => (i === index ? { ...d, weight } : d)))
              }
              onRemove={() => remove(index)}
            />
          ))}
        </ol>
      </SortableContext>
    </DndContext>
  );
}

interface SortableRowProps {
  deployment: SelectedDeployment;
  index: number;
  count: number;
  ordered: boolean;
  weighted: boolean;
  percent: number;
  priority: number;
  errors: FieldErrorMap;
  onMove: (from: number, to: number, control: 'up' | 'down') => void;
  onSameTier: (same: boolean) => void;
  onWeight: (weight: number) => void;
  onRemove: () => void;
}

function SortableRow({
  deployment,
  index,
  count,
  ordered,
  weighted,
  percent,
  priority,
  errors,
  onMove,
  onSameTier,
  onWeight,
  onRemove,
}: SortableRowProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({ id: deployment.modelId });
  const name = deployment.displayName ?? shortModelName(deployment.modelName);
  const spoken = spokenName(deployment);
  const rowMessages = [
    ...(errors[deploymentFieldKey(deployment.modelId, 'row')] ?? []),
    ...(errors[deploymentFieldKey(deployment.modelId, 'modelId')] ?? []),
    ...(errors[deploymentFieldKey(deployment.modelId, 'displayName')] ?? []),
  ];
  const priorityMessages = errors[deploymentFieldKey(deployment.modelId, 'priority')];
  const weightMessages = errors[deploymentFieldKey(deployment.modelId, 'weight')];
  const weightInputId = `weight-${deployment.modelId}`;

  return (
    <li
      ref={setNodeRef}
      className={`selected-deployment ${isDragging ? 'dragging' : ''} ${ordered && deployment.sameTierAsAbove && index > 0 ? 'same-tier' : ''}`}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      data-testid={`selected-${deployment.modelId}`}
      data-card-id={deployment.modelId}
      tabIndex={-1}
      aria-label={`${spoken}, position ${index + 1} of ${count}`}
    >
      <div className="selected-deployment-main">
        <button
          type="button"
          className="drag-handle"
          ref={setActivatorNodeRef}
          aria-label={`Reorder ${spoken}`}
          {...attributes}
          {...listeners}
        >
          ⠿
        </button>
        <span className="position" aria-hidden="true">
          {index + 1}
        </span>
        <div className="selected-deployment-name">
          <strong>{name}</strong> <ProviderBadge provider={deployment.provider} />
          <div className="muted mono">{deployment.modelId}</div>
          {ordered && (
            <div className="muted" data-testid={`priority-${deployment.modelId}`}>
              Priority {priority}
              {priority === 1 ? ' · tried first' : ''}
            </div>
          )}
          {ordered && index > 0 && (
            <label className="inline-check tier-toggle">
              <input
                type="checkbox"
                checked={Boolean(deployment.sameTierAsAbove)}
                onChange={(event) => onSameTier(event.target.checked)}
              />
              Same tier as above <span className="muted">(share traffic; a retry moves between them)</span>
            </label>
          )}
        </div>
        {weighted && (
          <div className="weight-field">
            <label htmlFor={weightInputId} className="visually-hidden">
              Weight for {spoken}
            </label>
            <input
              id={weightInputId}
              type="number"
              min={0}
              step="any"
              value={Number.isFinite(deployment.weight) ? deployment.weight : ''}
              aria-invalid={weightMessages ? true : undefined}
              onChange={(event) => onWeight(event.target.value === '' ? Number.NaN : Number(event.target.value))}
            />
            <span className="weight-percent" data-testid={`percent-${deployment.modelId}`}>
              {formatPercent(percent)}
            </span>
          </div>
        )}
        <div className="row-actions">
          <button
            type="button"
            className="icon-button"
            aria-label={`Move ${spoken} up`}
            data-control="up"
            disabled={index === 0}
            onClick={() => onMove(index, index - 1, 'up')}
          >
            ↑
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Move ${spoken} down`}
            data-control="down"
            disabled={index === count - 1}
            onClick={() => onMove(index, index + 1, 'down')}
          >
            ↓
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove ${spoken}`}
            onClick={onRemove}
          >
            ✕
          </button>
        </div>
      </div>
      <FieldMessages messages={[...rowMessages, ...(priorityMessages ?? []), ...(weightMessages ?? [])]} />
    </li>
  );
}
