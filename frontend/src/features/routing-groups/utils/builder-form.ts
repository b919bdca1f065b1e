import type {
  RoutingGroupFieldsFragment,
  RoutingGroupInput,
  RoutingStrategy,
} from '@/gql/graphql';
import type { FieldErrorLike } from './field-errors';
import { priorityFromIndex, sortByPriority } from './ordering';

export interface SelectedDeployment {
  modelId: string;
  modelName: string;
  provider: string;
  displayName: string | null;
  weight: number;
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
    deployments: sortByPriority(group.deployments).map((d) => ({
      modelId: d.modelId,
      modelName: d.modelName,
      provider: d.provider,
      displayName: d.displayName ?? null,
      weight: d.weight ?? DEFAULT_WEIGHT,
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
    if (form.routingStrategy === 'WEIGHTED' && !Number.isInteger(d.weight)) {
      errors.push({ field: `deployments[${i}].weight`, message: 'must be a whole number' });
    }
  });
  return errors;
}

/** Call only when numberFieldErrors(form) is empty. */
export function toGroupInput(form: BuilderForm): RoutingGroupInput {
  const timeout = parseNumber(form.timeoutSeconds);
  const weighted = form.routingStrategy === 'WEIGHTED';
  const description = form.description.trim();
  return {
    routingGroupName: form.routingGroupName.trim(),
    description: description === '' ? null : description,
    routingStrategy: form.routingStrategy,
    deployments: form.deployments.map((d, index) => ({
      modelId: d.modelId,
      priority: priorityFromIndex(index),
      weight: weighted ? d.weight : null,
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
