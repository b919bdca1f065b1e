import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { Provider } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { mockClient, type Variables } from '@/test/mock-client';
import { DeploymentsPage } from './DeploymentsPage';

vi.setConfig({ testTimeout: 30_000 });

const DATA = {
  deployments: [
    {
      modelId: 'nebius-llama-3.3-70b',
      modelName: 'nebius/meta-llama/Llama-3.3-70B-Instruct',
      publicModelName: 'llama-3.3-70b',
      provider: 'nebius',
      displayName: 'Nebius Llama 3.3 70B',
      apiBase: null,
      rpm: 600,
      tpm: null,
      inputCostPerToken: 1.3e-7,
      outputCostPerToken: 4e-7,
      mock: true,
    },
  ],
  routingGroups: {
    items: [{ routingGroupId: 'g1', routingGroupName: 'llama-failover', deployments: [{ modelId: 'nebius-llama-3.3-70b' }] }],
  },
};

function renderPage(handlers: Record<string, (v: Variables) => unknown> = {}) {
  const mock = mockClient({ DeploymentsPage: () => DATA, ...handlers });
  render(
    <MemoryRouter>
      <Provider value={mock.client}>
        <DeploymentsPage />
      </Provider>
    </MemoryRouter>,
  );
  return { ...mock, user: userEvent.setup() };
}

describe('DeploymentsPage', () => {
  it('shows provider, model, prices per million tokens, limits and the groups using each', () => {
    renderPage();
    const row = screen.getByTestId('deployment-nebius-llama-3.3-70b');
    expect(row).toHaveTextContent('nebius/meta-llama/Llama-3.3-70B-Instruct');
    expect(row).toHaveTextContent('$0.130 / $0.400');
    expect(row).toHaveTextContent('600 / —');
    expect(within(row).getByRole('link', { name: 'llama-failover' })).toBeInTheDocument();
  });

  it('adds a deployment with a write-only key reference and per-token prices', async () => {
    const { user, callsOf } = renderPage({
      CreateDeployment: () => ({ createDeployment: { __typename: 'Deployment', modelId: 'fw-1' } }),
    });
    await user.click(screen.getByRole('button', { name: '+ Add deployment' }));
    const form = screen.getByRole('form', { name: 'Add deployment' });
    await user.click(within(form).getByRole('button', { name: 'Add deployment' }));
    expect(within(form).getByLabelText('Deployment id')).toHaveFocus();
    expect(callsOf('CreateDeployment')).toHaveLength(0);

    await user.type(within(form).getByLabelText('Deployment id'), 'fw-1');
    await user.type(within(form).getByLabelText('Model'), 'fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct');
    const apiKey = within(form).getByLabelText('API key');
    expect(apiKey).toHaveAttribute('type', 'password');
    expect(form).toHaveTextContent('os.environ/NAME');
    await user.type(apiKey, 'os.environ/FIREWORKS_AI_API_KEY');
    await user.type(within(form).getByLabelText('Input price ($ per 1M tokens)'), '0.9');
    await user.click(within(form).getByRole('button', { name: 'Add deployment' }));

    const input = callsOf('CreateDeployment')[0]?.variables.input as Record<string, unknown>;
    expect(input).toMatchObject({
      modelId: 'fw-1',
      modelName: 'fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct',
      apiKey: 'os.environ/FIREWORKS_AI_API_KEY',
    });
    expect(input.inputCostPerToken).toBeCloseTo(9e-7, 12);
    expect(screen.getByRole('status')).toHaveTextContent('Added deployment fw-1');
  });
});
