import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { savedGroup } from '@/test/fixtures';
import { mockClient } from '@/test/mock-client';
import { draftFromGroup } from '../utils/draft';
import { ApplyChange } from './ApplyChange';

function renderApply(answer: unknown, extra: { onSaved?: () => void; onCompareAgain?: () => void } = {}) {
  const group = savedGroup({
    deployments: savedGroup().deployments.map((d, i) => ({ ...d, weight: i + 1, displayName: i === 0 ? 'Nebius' : null })),
  });
  const draft = { ...draftFromGroup(group), routingStrategy: 'SIMPLE_SHUFFLE' as const, cooldownTimeSeconds: '30' };
  const mock = mockClient({ ApplyRoutingGroupChange: () => ({ updateRoutingGroup: answer }) });
  render(
    <Provider value={mock.client}>
      <ApplyChange group={group} draft={draft} {...extra} />
    </Provider>,
  );
  return mock;
}

describe('ApplyChange', () => {
  it('saves the draft with the loaded version as expectedVersion, keeping each deployment as it was', async () => {
    const user = userEvent.setup();
    const onSaved = vi.fn();
    const mock = renderApply({ __typename: 'RoutingGroup', routingGroupId: 'rg-1', version: 4 }, { onSaved });
    expect(screen.getByTestId('apply-change')).toHaveTextContent('strategy Priority Failover → Round Robin; cooldown s 60 → 30');
    await user.click(screen.getByRole('button', { name: 'Apply this change' }));
    const variables = mock.callsOf('ApplyRoutingGroupChange')[0]?.variables as { input: Record<string, unknown>; expectedVersion: number };
    expect(variables.expectedVersion).toBe(3);
    expect(variables.input.routingStrategy).toBe('SIMPLE_SHUFFLE');
    expect(variables.input.cooldownConfig).toEqual({ allowedFails: 3, cooldownTimeSeconds: 30 });
    expect(variables.input.deployments).toEqual([
      { modelId: 'nebius-llama-3.3-70b', priority: 1, weight: 1, displayName: 'Nebius' },
      { modelId: 'fireworks-llama-v3p3-70b', priority: 2, weight: 2, displayName: null },
      { modelId: 'azure-gpt-4o', priority: 3, weight: 3, displayName: null },
    ]);
    expect(await screen.findByTestId('apply-saved')).toHaveTextContent('the group is now version 4');
    expect(onSaved).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: 'Apply this change' })).toBeDisabled();
  });

  it('shows a stale save as a conflict with the version that won, not as a failure', async () => {
    const user = userEvent.setup();
    const onSaved = vi.fn();
    const onCompareAgain = vi.fn();
    renderApply({ __typename: 'ConflictError', message: 'stale', currentVersion: 4 }, { onSaved, onCompareAgain });
    await user.click(screen.getByRole('button', { name: 'Apply this change' }));
    const conflict = await screen.findByTestId('conflict-notice');
    expect(conflict).toHaveTextContent('Not saved: someone else saved version 4');
    expect(screen.queryByText(/Could not apply/)).toBeNull();
    expect(onSaved).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Compare against version 4' }));
    expect(onSaved).toHaveBeenCalledTimes(1);
    expect(onCompareAgain).toHaveBeenCalledTimes(1);
  });

  it('shows any other error as an error', async () => {
    const user = userEvent.setup();
    renderApply({ __typename: 'ValidationError', message: 'bad draft', fieldErrors: [] });
    await user.click(screen.getByRole('button', { name: 'Apply this change' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not apply the change: bad draft');
  });
});
