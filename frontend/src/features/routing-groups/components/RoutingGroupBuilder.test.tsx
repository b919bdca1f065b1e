import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { Provider } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import type { RoutingGroupFieldsFragment } from '@/gql/graphql';
import { baseHandlers, savedGroup } from '@/test/fixtures';
import { mockClient, type Variables } from '@/test/mock-client';
import { RoutingGroupBuilder } from './RoutingGroupBuilder';

// Typing through userEvent is slow on a loaded machine; these are not timing tests.
vi.setConfig({ testTimeout: 30_000 });

function renderBuilder(
  handlers: Record<string, (v: Variables) => unknown>,
  props: { group?: RoutingGroupFieldsFragment; onReload?: () => void; onSaved?: () => void } = {},
) {
  const mock = mockClient({ ...baseHandlers, ...handlers });
  const onSaved = props.onSaved ?? vi.fn();
  render(
    <MemoryRouter>
      <Provider value={mock.client}>
        <RoutingGroupBuilder group={props.group} onSaved={onSaved} onCancel={vi.fn()} onReload={props.onReload} />
      </Provider>
    </MemoryRouter>,
  );
  return { ...mock, onSaved, user: userEvent.setup() };
}

async function addUserStoryDeployments(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: 'Add nebius-llama-3.3-70b' }));
  await user.click(screen.getByRole('button', { name: 'Add fireworks-llama-v3p3-70b' }));
  await user.click(screen.getByRole('button', { name: 'Add azure-gpt-4o' }));
}

function selectedOrder(): string[] {
  const list = screen.getByRole('list', { name: 'Selected deployments' });
  return within(list)
    .getAllByRole('listitem')
    .map((item) => item.getAttribute('data-testid')?.replace('selected-', '') ?? '');
}

const created = (variables: Variables) => ({
  createRoutingGroup: savedGroup({ routingGroupName: (variables.input as { routingGroupName: string }).routingGroupName }),
});

describe('RoutingGroupBuilder', () => {
  it('sends priorities that follow the order after moving a deployment', async () => {
    const { user, callsOf } = renderBuilder({ CreateRoutingGroup: created });
    await user.type(screen.getByLabelText('Name'), 'llama-prod');
    await addUserStoryDeployments(user);
    expect(screen.getByTestId('priority-azure-gpt-4o')).toHaveTextContent('Priority 3');

    await user.click(screen.getByRole('button', { name: 'Move gpt-4o on Azure up' }));
    await user.click(screen.getByRole('button', { name: 'Move gpt-4o on Azure up' }));

    expect(selectedOrder()).toEqual(['azure-gpt-4o', 'nebius-llama-3.3-70b', 'fireworks-llama-v3p3-70b']);
    expect(screen.getByTestId('priority-azure-gpt-4o')).toHaveTextContent('Priority 1');
    expect(screen.getByTestId('priority-fireworks-llama-v3p3-70b')).toHaveTextContent('Priority 3');

    await user.click(screen.getByRole('button', { name: 'Create routing group' }));
    const [call] = callsOf('CreateRoutingGroup');
    const input = call?.variables.input as { deployments: { modelId: string; priority: number }[] };
    expect(input.deployments).toEqual([
      expect.objectContaining({ modelId: 'azure-gpt-4o', priority: 1 }),
      expect.objectContaining({ modelId: 'nebius-llama-3.3-70b', priority: 2 }),
      expect.objectContaining({ modelId: 'fireworks-llama-v3p3-70b', priority: 3 }),
    ]);
  });

  it('shows each weight as a live percentage of the total', async () => {
    const { user } = renderBuilder({});
    await user.click(screen.getByRole('radio', { name: /Weighted/ }));
    await user.click(screen.getByRole('button', { name: 'Add nebius-llama-3.3-70b' }));
    await user.click(screen.getByRole('button', { name: 'Add azure-gpt-4o' }));
    expect(screen.getByTestId('percent-nebius-llama-3.3-70b')).toHaveTextContent('50%');

    const nebiusWeight = screen.getByLabelText('Weight for llama-3.3-70b on Nebius');
    await user.clear(nebiusWeight);
    await user.type(nebiusWeight, '3');

    expect(screen.getByTestId('percent-nebius-llama-3.3-70b')).toHaveTextContent('75%');
    expect(screen.getByTestId('percent-azure-gpt-4o')).toHaveTextContent('25%');
    const split = screen.getByRole('figure', { name: 'Traffic split' });
    expect(within(split).getByText('75%')).toBeInTheDocument();
  });

  it('puts server validation errors beside the fields they name', async () => {
    const { user } = renderBuilder({
      CreateRoutingGroup: () => ({
        createRoutingGroup: {
          __typename: 'ValidationError',
          message: 'invalid routing group',
          fieldErrors: [
            { field: 'routingGroupName', message: 'name is taken by a deleted group' },
            { field: 'deployments[1].priority', message: 'priority 1 is already used by deployments[0]' },
            { field: 'cooldownConfig.allowedFails', message: 'must be 0 or more' },
          ],
        },
      }),
    });
    await user.type(screen.getByLabelText('Name'), 'llama-prod');
    await addUserStoryDeployments(user);
    await user.click(screen.getByRole('button', { name: 'Create routing group' }));

    const nameField = screen.getByLabelText('Name').closest('.field') as HTMLElement;
    expect(within(nameField).getByText('name is taken by a deleted group')).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');

    const fireworksRow = screen.getByTestId('selected-fireworks-llama-v3p3-70b');
    expect(within(fireworksRow).getByText('priority 1 is already used by deployments[0]')).toBeInTheDocument();
    expect(within(screen.getByTestId('selected-nebius-llama-3.3-70b')).queryByRole('alert')).toBeNull();

    // The advanced section opens by itself to show its error.
    const allowedFails = screen.getByLabelText('Allowed fails');
    expect(allowedFails).toBeVisible();
    expect(within(allowedFails.closest('.field') as HTMLElement).getByText('must be 0 or more')).toBeInTheDocument();
  });

  it('keeps a deployment error on its row after the user reorders', async () => {
    const { user } = renderBuilder({
      CreateRoutingGroup: () => ({
        createRoutingGroup: {
          __typename: 'ValidationError',
          message: 'invalid',
          fieldErrors: [{ field: 'deployments[2].modelId', message: "unknown deployment 'azure-gpt-4o'" }],
        },
      }),
    });
    await user.type(screen.getByLabelText('Name'), 'g');
    await addUserStoryDeployments(user);
    await user.click(screen.getByRole('button', { name: 'Create routing group' }));
    await user.click(screen.getByRole('button', { name: 'Move gpt-4o on Azure up' }));

    expect(within(screen.getByTestId('selected-azure-gpt-4o')).getByText(/unknown deployment/)).toBeInTheDocument();
  });

  it('offers to reload when someone else saved the group first', async () => {
    const onReload = vi.fn();
    const { user, callsOf } = renderBuilder(
      {
        UpdateRoutingGroup: () => ({
          updateRoutingGroup: { __typename: 'ConflictError', message: 'version 3 is stale', currentVersion: 4 },
        }),
      },
      { group: savedGroup({ version: 3 }), onReload },
    );
    await user.clear(screen.getByLabelText('Description'));
    await user.type(screen.getByLabelText('Description'), 'changed');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(callsOf('UpdateRoutingGroup')[0]?.variables).toMatchObject({ id: 'rg-1', expectedVersion: 3 });
    expect(screen.getByText(/Someone else changed this group/)).toBeInTheDocument();
    expect(screen.getByText(/version 4/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Reload the latest version' }));
    expect(onReload).toHaveBeenCalledOnce();
  });

  it('shows a duplicate name on create beside the name field', async () => {
    const { user } = renderBuilder({
      CreateRoutingGroup: () => ({
        createRoutingGroup: {
          __typename: 'ConflictError',
          message: "a routing group named 'llama-prod' already exists",
          currentVersion: null,
        },
      }),
    });
    await user.type(screen.getByLabelText('Name'), 'llama-prod');
    await addUserStoryDeployments(user);
    await user.click(screen.getByRole('button', { name: 'Create routing group' }));

    const nameField = screen.getByLabelText('Name').closest('.field') as HTMLElement;
    expect(within(nameField).getByText(/already exists/)).toBeInTheDocument();
    expect(screen.queryByText(/Someone else changed/)).toBeNull();
  });

  it('starts from the saved group in priority order when editing', () => {
    const group = savedGroup();
    renderBuilder({}, { group: { ...group, deployments: [...group.deployments].reverse() } });
    expect(screen.getByLabelText('Name')).toHaveValue('llama-prod');
    expect(selectedOrder()).toEqual(['nebius-llama-3.3-70b', 'fireworks-llama-v3p3-70b', 'azure-gpt-4o']);
  });

  it('reports a non-number in advanced settings without calling the server', async () => {
    const { user, callsOf } = renderBuilder({ CreateRoutingGroup: created });
    await user.type(screen.getByLabelText('Name'), 'g');
    await addUserStoryDeployments(user);
    await user.click(screen.getByText('Advanced settings'));
    await user.clear(screen.getByLabelText('Retries'));
    await user.click(screen.getByRole('button', { name: 'Create routing group' }));

    expect(within(screen.getByLabelText('Retries').closest('.field') as HTMLElement).getByText('required')).toBeInTheDocument();
    expect(callsOf('CreateRoutingGroup')).toHaveLength(0);
  });

  const emptyNameError = () => ({
    createRoutingGroup: {
      __typename: 'ValidationError',
      message: 'invalid routing group',
      fieldErrors: [
        { field: 'routingGroupName', message: 'must not be empty' },
        { field: 'deployments', message: 'add at least one deployment' },
      ],
    },
  });

  it('clears a message as soon as its field is edited', async () => {
    const { user } = renderBuilder({ CreateRoutingGroup: emptyNameError });
    await user.click(screen.getByRole('button', { name: 'Create routing group' }));
    expect(screen.getByText('must not be empty')).toBeInTheDocument();
    expect(screen.getByText('add at least one deployment')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Name'), 'llama-prod');
    expect(screen.queryByText('must not be empty')).toBeNull();
    expect(screen.getByLabelText('Name')).not.toHaveAttribute('aria-invalid');
    expect(screen.getByText('add at least one deployment')).toBeInTheDocument();

    await addUserStoryDeployments(user);
    expect(screen.queryByText('add at least one deployment')).toBeNull();
    expect(screen.queryByText(/Please fix/)).toBeNull();
  });

  it('moves focus to the first problem when Save fails', async () => {
    const { user } = renderBuilder({ CreateRoutingGroup: emptyNameError });
    await user.click(screen.getByRole('button', { name: 'Create routing group' }));
    expect(screen.getByLabelText('Name')).toHaveFocus();
  });

  it('focuses an advanced-settings problem after opening the section', async () => {
    const { user } = renderBuilder({});
    await user.type(screen.getByLabelText('Name'), 'llama-prod');
    await user.click(screen.getByText('Advanced settings'));
    await user.clear(screen.getByLabelText('Retries'));
    await user.click(screen.getByRole('button', { name: 'Create routing group' }));
    expect(screen.getByLabelText('Retries')).toHaveFocus();
  });

  it('saves decimal weights as the ratio the preview shows', async () => {
    const { user, callsOf } = renderBuilder({ CreateRoutingGroup: created });
    await user.type(screen.getByLabelText('Name'), 'weighted');
    await user.click(screen.getByRole('radio', { name: /Weighted/ }));
    await user.click(screen.getByRole('button', { name: 'Add nebius-llama-3.3-70b' }));
    await user.click(screen.getByRole('button', { name: 'Add azure-gpt-4o' }));
    const nebius = screen.getByLabelText('Weight for llama-3.3-70b on Nebius');
    const azure = screen.getByLabelText('Weight for gpt-4o on Azure');
    await user.clear(nebius);
    await user.type(nebius, '0.6');
    await user.clear(azure);
    await user.type(azure, '0.3');
    expect(screen.getByTestId('percent-nebius-llama-3.3-70b')).toHaveTextContent('66.7%');

    await user.click(screen.getByRole('button', { name: 'Create routing group' }));

    expect(screen.queryByText(/whole number/)).toBeNull();
    const [call] = callsOf('CreateRoutingGroup');
    const input = call?.variables.input as { deployments: { modelId: string; weight: number }[] };
    expect(input.deployments.map((d) => d.weight)).toEqual([2, 1]);
  });

  it('puts a deployment in the tier above and sends equal priorities', async () => {
    const { user, callsOf } = renderBuilder({ CreateRoutingGroup: created });
    await user.type(screen.getByLabelText('Name'), 'tiered');
    await addUserStoryDeployments(user);
    const fireworks = screen.getByTestId('selected-fireworks-llama-v3p3-70b');
    await user.click(within(fireworks).getByLabelText(/Same tier as above/));

    expect(screen.getByTestId('priority-fireworks-llama-v3p3-70b')).toHaveTextContent('Priority 1');
    expect(screen.getByTestId('priority-azure-gpt-4o')).toHaveTextContent('Priority 2');
    const preview = screen.getByRole('complementary', { name: 'Preview' });
    expect(within(preview).getByText(/Tier 1 · 2 share traffic/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Create routing group' }));
    const [call] = callsOf('CreateRoutingGroup');
    const input = call?.variables.input as { deployments: { priority: number }[] };
    expect(input.deployments.map((d) => d.priority)).toEqual([1, 1, 2]);
  });

  it('asks before turning a live group off', async () => {
    const { user } = renderBuilder({}, { group: savedGroup() });
    await user.click(screen.getByLabelText('Active (serves traffic)'));
    const dialog = screen.getByRole('alertdialog', { name: /Turn .* off\?/ });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.getByLabelText('Active (serves traffic)')).toBeChecked();
  });

  it('adds a deployment when its row is clicked', async () => {
    const { user } = renderBuilder({});
    const available = screen.getByRole('list', { name: 'Available deployments' });
    await user.click(within(available).getByText('azure-gpt-4o'));
    expect(selectedOrder()).toEqual(['azure-gpt-4o']);
  });

  it('keeps keyboard focus on the added, moved and next card', async () => {
    const { user } = renderBuilder({});
    await user.click(screen.getByRole('button', { name: 'Add nebius-llama-3.3-70b' }));
    expect(screen.getByTestId('selected-nebius-llama-3.3-70b')).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Add fireworks-llama-v3p3-70b' }));
    await user.click(screen.getByRole('button', { name: 'Add azure-gpt-4o' }));
    expect(screen.getByTestId('selected-azure-gpt-4o')).toHaveFocus();

    // Up twice: the second press disables "up" (first place), so focus moves to "down".
    await user.click(screen.getByRole('button', { name: 'Move gpt-4o on Azure up' }));
    expect(screen.getByRole('button', { name: 'Move gpt-4o on Azure up' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Move gpt-4o on Azure up' }));
    expect(screen.getByRole('button', { name: 'Move gpt-4o on Azure down' })).toHaveFocus();

    await user.click(screen.getByRole('button', { name: 'Remove gpt-4o on Azure' }));
    expect(screen.getByTestId('selected-nebius-llama-3.3-70b')).toHaveFocus();
    expect(screen.getByTestId('selected-nebius-llama-3.3-70b')).toHaveAccessibleName('llama-3.3-70b on Nebius, position 1 of 2');
  });

  it('gives a negative weight its own error', async () => {
    const { user, callsOf } = renderBuilder({ CreateRoutingGroup: created });
    await user.type(screen.getByLabelText('Name'), 'weighted');
    await user.click(screen.getByRole('radio', { name: /Weighted/ }));
    await user.click(screen.getByRole('button', { name: 'Add nebius-llama-3.3-70b' }));
    const nebius = screen.getByLabelText('Weight for llama-3.3-70b on Nebius');
    await user.clear(nebius);
    await user.type(nebius, '-5');
    await user.click(screen.getByRole('button', { name: 'Create routing group' }));
    expect(screen.getByText(/must be 0 or more/)).toBeInTheDocument();
    expect(callsOf('CreateRoutingGroup')).toHaveLength(0);
  });
});
