// Server ValidationErrors name fields by their public path (`deployments[1].priority`,
// `cooldownConfig.allowedFails`); the builder shows each message beside the input it names.

export interface FieldErrorLike {
  field: string;
  message: string;
}

export type DeploymentField = 'modelId' | 'priority' | 'weight' | 'displayName' | 'row';

/** Where a message is shown: a form control, a selected deployment's control, or the form. */
export type FieldKey =
  | 'routingGroupName'
  | 'description'
  | 'routingStrategy'
  | 'deployments'
  | 'numRetries'
  | 'allowedFails'
  | 'cooldownTimeSeconds'
  | 'maxFallbacks'
  | 'timeoutSeconds'
  | 'assignedTeamIds'
  | 'assignedKeyIds'
  | 'isActive'
  | 'form'
  | `deployment:${string}:${DeploymentField}`;

export type FieldErrorMap = Partial<Record<FieldKey, string[]>>;

export const ADVANCED_FIELD_KEYS: readonly FieldKey[] = [
  'numRetries',
  'allowedFails',
  'cooldownTimeSeconds',
  'maxFallbacks',
  'timeoutSeconds',
];

const TOP_LEVEL: Record<string, FieldKey> = {
  routingGroupName: 'routingGroupName',
  description: 'description',
  routingStrategy: 'routingStrategy',
  deployments: 'deployments',
  'retryConfig.numRetries': 'numRetries',
  retryConfig: 'numRetries',
  'cooldownConfig.allowedFails': 'allowedFails',
  'cooldownConfig.cooldownTimeSeconds': 'cooldownTimeSeconds',
  cooldownConfig: 'allowedFails',
  'settings.maxFallbacks': 'maxFallbacks',
  'settings.timeoutSeconds': 'timeoutSeconds',
  settings: 'maxFallbacks',
  assignedTeamIds: 'assignedTeamIds',
  assignedKeyIds: 'assignedKeyIds',
  isActive: 'isActive',
};

const DEPLOYMENT_PATH = /^deployments\[(\d+)\](?:\.(\w+))?$/;
const DEPLOYMENT_FIELDS = new Set<DeploymentField>(['modelId', 'priority', 'weight', 'displayName']);

export function deploymentFieldKey(modelId: string, field: DeploymentField): FieldKey {
  return `deployment:${modelId}:${field}`;
}

/**
 * `submittedModelIds` is the deployment order that was sent: an index in a path refers to it,
 * and keying by model id keeps the message on the right row if the user reorders afterwards.
 */
export function fieldKeyForPath(path: string, submittedModelIds: readonly string[]): FieldKey {
  const deployment = DEPLOYMENT_PATH.exec(path);
  if (deployment) {
    const modelId = submittedModelIds[Number(deployment[1])];
    if (modelId === undefined) return 'deployments';
    const sub = deployment[2] as DeploymentField | undefined;
    return deploymentFieldKey(modelId, sub && DEPLOYMENT_FIELDS.has(sub) ? sub : 'row');
  }
  const listItem = /^(assignedTeamIds|assignedKeyIds)\[\d+\]$/.exec(path);
  if (listItem) return listItem[1] as FieldKey;
  return TOP_LEVEL[path] ?? 'form';
}

export function mapFieldErrors(
  errors: readonly FieldErrorLike[],
  submittedModelIds: readonly string[],
): FieldErrorMap {
  const map: FieldErrorMap = {};
  for (const { field, message } of errors) {
    const key = fieldKeyForPath(field, submittedModelIds);
    // A message that lands on the form as a whole keeps its path so it still says what it is about.
    const text = key === 'form' && field ? `${field}: ${message}` : message;
    (map[key] ??= []).push(text);
  }
  return map;
}

export function hasAnyError(map: FieldErrorMap, keys: readonly FieldKey[]): boolean {
  return keys.some((key) => (map[key]?.length ?? 0) > 0);
}
