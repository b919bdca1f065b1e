import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { Provider } from 'urql';
import { describe, expect, it } from 'vitest';
import { savedGroup } from '@/test/fixtures';
import { mockClient, type Variables } from '@/test/mock-client';
import { GroupListPage } from './GroupListPage';

function renderList(handlers: Record<string, (v: Variables) => unknown>) {
  const mock = mockClient(handlers);
  render(
    <Provider value={mock.client}>
      <MemoryRouter initialEntries={['/groups']}>
        <GroupListPage />
      </MemoryRouter>
    </Provider>,
  );
  return { ...mock, user: userEvent.setup() };
}

const oneGroup = () => ({
  routingGroups: { items: [savedGroup({ assignedTeamIds: ['t1', 't2'] })], total: 1, page: 1, size: 20 },
});

describe('GroupListPage', () => {
  it('invites to create the first group when there are none', () => {
    renderList({ RoutingGroupList: () => ({ routingGroups: { items: [], total: 0, page: 1, size: 20 } }) });
    expect(screen.getByRole('link', { name: 'Create your first routing group' })).toHaveAttribute('href', '/groups/new');
  });

  it('lists a group with its strategy, providers and team count, linking to it', () => {
    renderList({ RoutingGroupList: oneGroup });
    const row = screen.getByTestId('group-row-llama-prod');
    expect(within(row).getByRole('link', { name: 'llama-prod' })).toHaveAttribute('href', '/groups/rg-1/overview');
    expect(within(row).getByText('Priority Failover')).toBeInTheDocument();
    expect(within(row).getByText('Nebius')).toBeInTheDocument();
    expect(within(row).getByText('Fireworks AI')).toBeInTheDocument();
    expect(within(row).getByText('Azure')).toBeInTheDocument();
    expect(within(row).getByText('2')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: 'Test llama-prod' })).toHaveAttribute('href', '/groups/rg-1/tester');
  });

  it('switches a live group off in place after confirmation, naming the version it saw', async () => {
    const { user, callsOf } = renderList({
      RoutingGroupList: oneGroup,
      UpdateRoutingGroup: () => ({ updateRoutingGroup: savedGroup({ isActive: false, version: 4 }) }),
    });
    await user.click(screen.getByRole('switch', { name: 'Active: llama-prod' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Turn llama-prod off?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(callsOf('UpdateRoutingGroup')).toHaveLength(0);

    await user.click(screen.getByRole('switch', { name: 'Active: llama-prod' }));
    await user.click(screen.getByRole('button', { name: 'Turn off' }));
    expect(callsOf('UpdateRoutingGroup')[0]?.variables).toEqual({
      id: 'rg-1',
      input: { isActive: false },
      expectedVersion: 3,
    });
  });

  it('deletes only after confirmation', async () => {
    const { user, callsOf } = renderList({
      RoutingGroupList: oneGroup,
      DeleteRoutingGroup: () => ({ deleteRoutingGroup: { __typename: 'DeleteSuccess', routingGroupId: 'rg-1' } }),
    });
    await user.click(screen.getByRole('button', { name: 'Delete llama-prod' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete llama-prod?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(callsOf('DeleteRoutingGroup')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Delete llama-prod' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    expect(callsOf('DeleteRoutingGroup')[0]?.variables).toEqual({ id: 'rg-1' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});
