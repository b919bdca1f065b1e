import { describe, expect, it } from 'vitest';
import { fieldDiff } from './json-diff';

describe('fieldDiff', () => {
  const before = {
    routing_group_name: 'llama-prod',
    version: 1,
    deployments: [
      { model_id: 'nebius', priority: 1 },
      { model_id: 'fireworks', priority: 2 },
    ],
    retry_config: { num_retries: 0 },
  };

  it('lists changed, added and removed leaf fields by path', () => {
    const after = {
      routing_group_name: 'llama-prod',
      version: 2,
      deployments: [{ model_id: 'fireworks', priority: 1 }],
      retry_config: { num_retries: 2 },
      description: 'now with retries',
    };
    expect(fieldDiff(before, after, ['version'])).toEqual([
      { path: 'deployments[0].model_id', before: '"nebius"', after: '"fireworks"' },
      { path: 'retry_config.num_retries', before: '0', after: '2' },
      { path: 'description', after: '"now with retries"' },
      { path: 'deployments[1].model_id', before: '"fireworks"' },
      { path: 'deployments[1].priority', before: '2' },
    ]);
  });

  it('is empty when only ignored fields changed', () => {
    expect(fieldDiff(before, { ...before, version: 5 }, ['version'])).toEqual([]);
  });

  it('treats a missing snapshot as empty (create and delete)', () => {
    expect(fieldDiff(null, { a: 1 })).toEqual([{ path: 'a', after: '1' }]);
    expect(fieldDiff({ a: 1 }, null)).toEqual([{ path: 'a', before: '1' }]);
  });
});
