import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { ProviderBadge } from '@/components/ProviderBadge';
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

  const move = (from: number, to: number) => onChange(moveItem(deployments, from, to));
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = deployments.findIndex((d) => d.modelId === active.id);
    const to = deployments.findIndex((d) => d.modelId === over.id);
    move(from, to);
  };

  if (deployments.length === 0) {
    return <p className="empty-list muted">No deployments selected yet: add some from the list.</p>;
  }

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{
        screenReaderInstructions: {
          draggable:
            'To reorder, press space or enter to pick up, use the arrow keys to move, and space or enter again to drop.',
        },
      }}
    >
      <SortableContext items={deployments.map((d) => d.modelId)} strategy={verticalListSortingStrategy}>
        <ol className="selected-deployments" aria-label="Selected deployments">
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
              onRemove={() => onChange(deployments.filter((_, i) => i !== index))}
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
  onMove: (from: number, to: number) => void;
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
    >
      <div className="selected-deployment-main">
        <button
          type="button"
          className="drag-handle"
          ref={setActivatorNodeRef}
          aria-label={`Drag to reorder ${deployment.modelId}`}
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
              Weight for {deployment.modelId}
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
            aria-label={`Move ${deployment.modelId} up`}
            disabled={index === 0}
            onClick={() => onMove(index, index - 1)}
          >
            ↑
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Move ${deployment.modelId} down`}
            disabled={index === count - 1}
            onClick={() => onMove(index, index + 1)}
          >
            ↓
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove ${deployment.modelId}`}
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
