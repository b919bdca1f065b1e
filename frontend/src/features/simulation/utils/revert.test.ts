import { describe, expect, it } from 'vitest';
import { patchFromSnapshot, withTeamNames } from './revert';

describe('History revert', () => {
  it("turns a revision's snapshot into the patch that restores it", () => {
    const patch = patchFromSnapshot({
      name: 'llama-failover',
      description: null,
      strategy: 'PRIORITY_FAILOVER',
      deployments: [
        { model_id: 'nebius', priority: 1, weight: null, display_name: null },
        { model_id: 'azure', priority: 2, weight: null, display_name: 'Azure' },
      ],
      retry: { num_retries: 1 },
      cooldown: { allowed_fails: 3, cooldown_time_seconds: 30 },
      settings: { max_fallbacks: 5, timeout_seconds: null },
      assigned_team_ids: ['t-1'],
      assigned_key_ids: [],
      is_active: true,
      version: 2,
    });
    expect(patch).toEqual({
      routingGroupName: 'llama-failover',
      description: null,
      routingStrategy: 'PRIORITY_FAILOVER',
      deployments: [
        { modelId: 'nebius', priority: 1, weight: null, displayName: null },
        { modelId: 'azure', priority: 2, weight: null, displayName: 'Azure' },
      ],
      retryConfig: { numRetries: 1 },
      cooldownConfig: { allowedFails: 3, cooldownTimeSeconds: 30 },
      settings: { maxFallbacks: 5, timeoutSeconds: null },
      assignedTeamIds: ['t-1'],
      assignedKeyIds: [],
      isActive: true,
    });
    expect(patchFromSnapshot(null)).toBeNull();
  });

  it('shows team names instead of ids in a diff', () => {
    const names = new Map([['3afeedb5-3d9a-45c2-a936-5f60b246805f', 'search-team']]);
    expect(withTeamNames('["3afeedb5-3d9a-45c2-a936-5f60b246805f"]', names)).toBe('["search-team"]');
    expect(withTeamNames(undefined, names)).toBeUndefined();
  });
});
