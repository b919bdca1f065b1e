import type {
  RoutingGroupFieldsFragment,
  RoutingGroupInput,
  RoutingStrategy,
} from '@/gql/graphql';
import type { FieldErrorLike } from './field-errors';
import { priorityFromIndex, sortByPriority } from './ordering';
import { integerWeights } from './weights';

export interface SelectedDeployment {
  modelId: string;
  modelName: string;
  provider: string;
  displayName: string | null;
  weight: number;
  /** Priority failover: shares the tier (the priority) of the deployment above it. */
  sameTierAsAbove?: boolean;
}

/** Number fields stay text while edited so an empty or half-typed input is not coerced. */
export interface BuilderForm {
  routingGroupName: string;
  description: string;
  routingStrategy: RoutingStrategy;
  deployments: SelectedDeployment[];
  numRetries: string;
  allowedFails: string;
  cooldownTimeSeconds: string;
  maxFallbacks: string;
  timeoutSeconds: string;
  assignedTeamIds: string[];
  assignedKeyIds: string[];
  isActive: boolean;
}

export const DEFAULT_WEIGHT = 1;

export function emptyForm(): BuilderForm {
  return {
    routingGroupName: '',
    description: '',
    routingStrategy: 'PRIORITY_FAILOVER',
    deployments: [],
    numRetries: '0',
    allowedFails: '3',
    cooldownTimeSeconds: '60',
    maxFallbacks: '5',
    timeoutSeconds: '',
    assignedTeamIds: [],
    assignedKeyIds: [],
    isActive: true,
  };
}

export function formFromGroup(group: RoutingGroupFieldsFragment): BuilderForm {
  return {
    routingGroupName: group.routingGroupName,
    description: group.description ?? '',
    routingStrategy: group.routingStrategy,
    deployments: sortByPriority(group.deployments).map((d, i, sorted) => ({
      modelId: d.modelId,
      modelName: d.modelName,
      provider: d.provider,
      displayName: d.displayName ?? null,
      weight: d.weight ?? DEFAULT_WEIGHT,
      sameTierAsAbove:
        group.routingStrategy === 'PRIORITY_FAILOVER' && i > 0 && d.priority != null && d.priority === sorted[i - 1]?.priority,
    })),
    numRetries: String(group.retryConfig.numRetries),
    allowedFails: String(group.cooldownConfig.allowedFails),
    cooldownTimeSeconds: String(group.cooldownConfig.cooldownTimeSeconds),
    maxFallbacks: String(group.settings.maxFallbacks),
    timeoutSeconds: group.settings.timeoutSeconds == null ? '' : String(group.settings.timeoutSeconds),
    assignedTeamIds: [...group.assignedTeamIds],
    assignedKeyIds: [...group.assignedKeyIds],
    isActive: group.isActive,
  };
}

function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : Number.NaN;
}

// Only what GraphQL itself would reject (a non-number where an Int/Float goes) is checked here;
// every rule about values is the server's, and its messages come back as ValidationErrors.
export function numberFieldErrors(form: BuilderForm): FieldErrorLike[] {
  const checks: [string, string, 'int' | 'float', boolean][] = [
    ['retryConfig.numRetries', form.numRetries, 'int', true],
    ['cooldownConfig.allowedFails', form.allowedFails, 'int', true],
    ['cooldownConfig.cooldownTimeSeconds', form.cooldownTimeSeconds, 'float', true],
    ['settings.maxFallbacks', form.maxFallbacks, 'int', true],
    ['settings.timeoutSeconds', form.timeoutSeconds, 'float', false],
  ];
  const errors: FieldErrorLike[] = [];
  for (const [field, text, kind, required] of checks) {
    const value = parseNumber(text);
    if (value === null) {
      if (required) errors.push({ field, message: 'required' });
    } else if (Number.isNaN(value)) {
      errors.push({ field, message: 'must be a number' });
    } else if (kind === 'int' && !Number.isInteger(value)) {
      errors.push({ field, message: 'must be a whole number' });
    }
  }
  form.deployments.forEach((d, i) => {
    // Decimals are fine (saved as the same ratio in whole numbers); only a non-number is not.
    if (form.routingStrategy !== 'WEIGHTED') return;
    if (!Number.isFinite(d.weight)) {
      errors.push({ field: `deployments[${i}].weight`, message: 'must be a number' });
    } else if (d.weight < 0) {
      // Its own message: saved, a negative weight would silently become a share of 0.
      errors.push({ field: `deployments[${i}].weight`, message: 'must be 0 or more' });
    }
  });
  return errors;
}

/** Priority failover: a new tier per row, unless the row shares the tier above (1, 1, 2, ...). */
export function tierPriorities(deployments: readonly Pick<SelectedDeployment, 'sameTierAsAbove'>[]): number[] {
  const priorities: number[] = [];
  deployments.forEach((d, index) => {
    const previous = priorities[index - 1];
    priorities.push(previous === undefined ? 1 : d.sameTierAsAbove ? previous : previous + 1);
  });
  return priorities;
}

/** Call only when numberFieldErrors(form) is empty. */
export function toGroupInput(form: BuilderForm): RoutingGroupInput {
  const timeout = parseNumber(form.timeoutSeconds);
  const weighted = form.routingStrategy === 'WEIGHTED';
  const tiered = form.routingStrategy === 'PRIORITY_FAILOVER';
  const priorities = tierPriorities(form.deployments);
  const weights = integerWeights(form.deployments.map((d) => d.weight));
  const description = form.description.trim();
  return {
    routingGroupName: form.routingGroupName.trim(),
    description: description === '' ? null : description,
    routingStrategy: form.routingStrategy,
    deployments: form.deployments.map((d, index) => ({
      modelId: d.modelId,
      priority: tiered ? (priorities[index] ?? priorityFromIndex(index)) : priorityFromIndex(index),
      weight: weighted ? (weights[index] ?? 0) : null,
      displayName: d.displayName,
    })),
    retryConfig: { numRetries: Number(form.numRetries) },
    cooldownConfig: {
      allowedFails: Number(form.allowedFails),
      cooldownTimeSeconds: Number(form.cooldownTimeSeconds),
    },
    settings: { maxFallbacks: Number(form.maxFallbacks), timeoutSeconds: timeout },
    assignedTeamIds: form.assignedTeamIds,
    assignedKeyIds: form.assignedKeyIds,
    isActive: form.isActive,
  };
}
