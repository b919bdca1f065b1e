import { describe, expect, it } from 'vitest';
import { deploymentFieldKey, fieldKeyForPath, mapFieldErrors } from './field-errors';

const submitted = ['nebius-llama-3.3-70b', 'fireworks-llama-v3p3-70b', 'azure-gpt-4o'];

describe('fieldKeyForPath', () => {
  it.each([
    ['routingGroupName', 'routingGroupName'],
    ['description', 'description'],
    ['deployments', 'deployments'],
    ['retryConfig.numRetries', 'numRetries'],
    ['cooldownConfig.allowedFails', 'allowedFails'],
    ['cooldownConfig.cooldownTimeSeconds', 'cooldownTimeSeconds'],
    ['settings.maxFallbacks', 'maxFallbacks'],
    ['settings.timeoutSeconds', 'timeoutSeconds'],
    ['assignedTeamIds', 'assignedTeamIds'],
    ['assignedKeyIds[2]', 'assignedKeyIds'],
  ])('maps %s to the %s control', (path, key) => {
    expect(fieldKeyForPath(path, submitted)).toBe(key);
  });

  it('maps an indexed deployment path to the deployment that was at that index', () => {
    expect(fieldKeyForPath('deployments[1].priority', submitted)).toBe(
      deploymentFieldKey('fireworks-llama-v3p3-70b', 'priority'),
    );
    expect(fieldKeyForPath('deployments[0].weight', submitted)).toBe(
      deploymentFieldKey('nebius-llama-3.3-70b', 'weight'),
    );
    expect(fieldKeyForPath('deployments[2].modelId', submitted)).toBe(
      deploymentFieldKey('azure-gpt-4o', 'modelId'),
    );
    expect(fieldKeyForPath('deployments[2]', submitted)).toBe(deploymentFieldKey('azure-gpt-4o', 'row'));
  });

  it('falls back to the deployments list for an index it did not send', () => {
    expect(fieldKeyForPath('deployments[7].priority', submitted)).toBe('deployments');
  });

  it('sends an unknown path to the form as a whole', () => {
    expect(fieldKeyForPath('somethingNew', submitted)).toBe('form');
  });
});

describe('mapFieldErrors', () => {
  it('groups messages by control and keeps the path on form-level ones', () => {
    const map = mapFieldErrors(
      [
        { field: 'routingGroupName', message: 'must not be empty' },
        { field: 'deployments[1].priority', message: 'already used' },
        { field: 'deployments[1].priority', message: 'must be 1 or more' },
        { field: 'mystery', message: 'odd' },
      ],
      submitted,
    );
    expect(map.routingGroupName).toEqual(['must not be empty']);
    expect(map[deploymentFieldKey('fireworks-llama-v3p3-70b', 'priority')]).toEqual([
      'already used',
      'must be 1 or more',
    ]);
    expect(map.form).toEqual(['mystery: odd']);
  });
});
