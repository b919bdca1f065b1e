import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { Provider } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { mockClient, type Variables } from '@/test/mock-client';
import { TeamsPage } from './TeamsPage';

vi.setConfig({ testTimeout: 30_000 });

const DATA = {
  teams: [{ teamId: 't1', teamAlias: 'search', createdAt: '2026-11-28T10:00:00Z' }],
  keys: [{ keyId: 'k1', keyAlias: 'search-prod', keyPrefix: 'sk-Ab12', teamId: 't1', revoked: false }],
  routingGroups: {
    items: [
      { routingGroupId: 'g1', routingGroupName: 'llama-failover', assignedTeamIds: ['t1'] },
      { routingGroupId: 'g2', routingGroupName: 'other', assignedTeamIds: [] },
    ],
  },
};

function renderTeams(handlers: Record<string, (v: Variables) => unknown> = {}) {
  const mock = mockClient({ TeamsPage: () => DATA, ...handlers });
  render(
    <MemoryRouter>
      <Provider value={mock.client}>
        <TeamsPage />
      </Provider>
    </MemoryRouter>,
  );
  return { ...mock, user: userEvent.setup() };
}

describe('TeamsPage', () => {
  it("shows each team's keys and the groups that list it", () => {
    renderTeams();
    const row = screen.getByTestId('team-search');
    expect(row).toHaveTextContent('search-prod');
    expect(within(row).getByRole('link', { name: 'llama-failover' })).toHaveAttribute('href', '/groups/g1/overview');
    expect(row).not.toHaveTextContent('other');
  });

  it('says what a delete removes before deleting', async () => {
    const { user, callsOf } = renderTeams({
      DeleteTeam: () => ({
        deleteTeam: { __typename: 'DeleteTeamSuccess', teamId: 't1', updatedRoutingGroupIds: ['g1'] },
      }),
    });
    await user.click(within(screen.getByTestId('team-search')).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete team search?' });
    expect(dialog).toHaveTextContent('search-prod');
    expect(dialog).toHaveTextContent('llama-failover');
    await user.click(within(dialog).getByRole('button', { name: 'Delete team' }));
    expect(callsOf('DeleteTeam')[0]?.variables).toEqual({ teamId: 't1' });
    expect(screen.getByRole('status')).toHaveTextContent('taken off 1 routing group');
  });

  it('renames a team and shows the server refusing a taken name', async () => {
    const { user, callsOf } = renderTeams({
      UpdateTeam: (v) =>
        (v.input as { teamAlias: string }).teamAlias === 'billing'
          ? { updateTeam: { __typename: 'ConflictError', message: "a team named 'billing' already exists" } }
          : { updateTeam: { __typename: 'Team', teamId: 't1', teamAlias: 'search-prod-team' } },
    });
    const row = screen.getByTestId('team-search');
    await user.click(within(row).getByRole('button', { name: 'Rename' }));
    const input = within(row).getByLabelText('New name for search');
    await user.clear(input);
    await user.type(input, 'billing');
    await user.click(within(row).getByRole('button', { name: 'Save' }));
    expect(within(row).getByRole('alert')).toHaveTextContent('already exists');
    expect(input).toHaveAttribute('aria-invalid', 'true');

    await user.type(input, 'x'); // editing clears the stale message
    expect(within(row).queryByRole('alert')).toBeNull();
    await user.clear(input);
    await user.type(input, 'search-prod-team');
    await user.click(within(row).getByRole('button', { name: 'Save' }));
    expect(callsOf('UpdateTeam').at(-1)?.variables).toEqual({ teamId: 't1', input: { teamAlias: 'search-prod-team' } });
    expect(screen.getByRole('status')).toHaveTextContent('Renamed team to search-prod-team');
  });
});
