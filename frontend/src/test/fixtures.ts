import type { DeploymentsQuery, RoutingGroupFieldsFragment } from '@/gql/graphql';

export const REGISTRY: DeploymentsQuery['deployments'] = [
  {
    modelId: 'nebius-llama-3.3-70b',
    modelName: 'llama-3.3-70b',
    provider: 'nebius',
    displayName: null,
    apiBase: null,
    rpm: null,
    tpm: null,
    inputCostPerToken: 1.3e-7,
    outputCostPerToken: 4e-7,
    publicModelName: 'llama-3.3-70b',
    mock: true,
  },
  {
    modelId: 'fireworks-llama-v3p3-70b',
    modelName: 'llama-3.3-70b',
    provider: 'fireworks_ai',
    displayName: null,
    apiBase: null,
    rpm: null,
    tpm: null,
    inputCostPerToken: 9e-7,
    outputCostPerToken: 9e-7,
    publicModelName: 'llama-3.3-70b',
    mock: true,
  },
  {
    modelId: 'azure-gpt-4o',
    modelName: 'gpt-4o',
    provider: 'azure',
    displayName: null,
    apiBase: null,
    rpm: null,
    tpm: null,
    inputCostPerToken: 2.5e-6,
    outputCostPerToken: 1e-5,
    publicModelName: 'gpt-4o',
    mock: true,
  },
];

export function savedGroup(overrides: Partial<RoutingGroupFieldsFragment> = {}): RoutingGroupFieldsFragment {
  return {
    routingGroupId: 'rg-1',
    routingGroupName: 'llama-prod',
    description: 'Llama with failover',
    routingStrategy: 'PRIORITY_FAILOVER',
    deployments: [
      { modelId: 'nebius-llama-3.3-70b', modelName: 'llama-3.3-70b', provider: 'nebius', priority: 1, weight: null, displayName: null },
      { modelId: 'fireworks-llama-v3p3-70b', modelName: 'llama-3.3-70b', provider: 'fireworks_ai', priority: 2, weight: null, displayName: null },
      { modelId: 'azure-gpt-4o', modelName: 'gpt-4o', provider: 'azure', priority: 3, weight: null, displayName: null },
    ],
    retryConfig: { numRetries: 0 },
    cooldownConfig: { allowedFails: 3, cooldownTimeSeconds: 60 },
    settings: { maxFallbacks: 5, timeoutSeconds: null },
    assignedTeamIds: [],
    assignedKeyIds: [],
    isActive: true,
    version: 3,
    createdAt: '2026-11-26T10:00:00Z',
    createdBy: 'admin',
    updatedAt: '2026-11-26T10:00:00Z',
    updatedBy: 'admin',
    ...overrides,
  };
}

export const baseHandlers = {
  Deployments: () => ({ deployments: REGISTRY }),
  Teams: () => ({ teams: [{ teamId: 'team-a', teamAlias: 'Search' }] }),
  Keys: () => ({ keys: [] }),
};
