import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'urql';
import { describe, expect, it } from 'vitest';
import { savedGroup } from '@/test/fixtures';
import { mockClient } from '@/test/mock-client';
import { LiveTester } from './LiveTester';

const fellBack = {
  testRoutingGroup: {
    __typename: 'RoutingGroupTestResult',
    success: true,
    responseText: 'Hello.',
    totalLatencyMs: 58,
    finalDeployment: 'fireworks-llama-v3p3-70b',
    finalProvider: 'fireworks_ai',
    errorMessage: null,
    traces: [
      {
        deploymentId: 'nebius-llama-3.3-70b',
        deploymentName: 'llama-3.3-70b',
        provider: 'nebius',
        latencyMs: 3,
        wasFallback: false,
        fallbackDepth: 0,
        retryIndex: 0,
        status: 'ERROR',
        errorKind: 'RATE_LIMIT',
        errorMessage: 'injected rate limit',
      },
      {
        deploymentId: 'fireworks-llama-v3p3-70b',
        deploymentName: 'llama-3.3-70b',
        provider: 'fireworks_ai',
        latencyMs: 55,
        wasFallback: true,
        fallbackDepth: 1,
        retryIndex: 0,
        status: 'SUCCESS',
        errorKind: null,
        errorMessage: null,
      },
    ],
  },
};

function renderTester(mockDeployments: string[] = []) {
  const mock = mockClient({
    TestRoutingGroup: () => fellBack,
    TesterDeployments: () => ({
      deployments: ['nebius-llama-3.3-70b', 'fireworks-llama-v3p3-70b', 'azure-gpt-4o'].map((modelId) => ({
        modelId,
        mock: mockDeployments.includes(modelId),
      })),
    }),
  });
  render(
    <Provider value={mock.client}>
      <LiveTester group={savedGroup()} />
    </Provider>,
  );
  return mock;
}

describe('LiveTester', () => {
  it('sends the message with the failures toggled on, and draws the path it took', async () => {
    const user = userEvent.setup();
    const mock = renderTester();
    expect(screen.getByLabelText('Message')).toHaveValue('Hello, respond with one word.');

    await user.click(screen.getByRole('checkbox', { name: /Fail .*\(nebius-llama-3\.3-70b\)/ }));
    await user.selectOptions(screen.getByLabelText('Error kind for nebius-llama-3.3-70b'), 'TIMEOUT');
    await user.click(screen.getByRole('button', { name: 'Send test request' }));

    expect(mock.callsOf('TestRoutingGroup')[0]?.variables).toEqual({
      id: 'rg-1',
      messages: [{ role: 'user', content: 'Hello, respond with one word.' }],
      mock: true,
      failureInjection: [{ modelId: 'nebius-llama-3.3-70b', failureRate: 1, errorKind: 'TIMEOUT' }],
    });
    expect(await screen.findByTestId('test-answer')).toHaveTextContent('Hello.');
    expect(screen.getByTestId('trace-transition')).toHaveTextContent('fallback triggered (rate limit)');
    expect(screen.getAllByTestId('trace-attempt')).toHaveLength(2);
  });

  it('has one send button; real mode sends without failure injection and says it is billed', async () => {
    const user = userEvent.setup();
    const mock = renderTester();
    expect(screen.getAllByRole('button', { name: /send/i })).toHaveLength(1);
    await user.click(screen.getByRole('checkbox', { name: /Fail .*\(nebius-llama-3\.3-70b\)/ }));
    await user.click(screen.getByRole('radio', { name: /Real providers \(billed/ }));
    await user.click(screen.getByRole('button', { name: 'Send test request' }));
    expect(mock.callsOf('TestRoutingGroup')[0]?.variables).toMatchObject({ mock: false, failureInjection: [] });
    expect(await screen.findByTestId('test-mode')).toHaveTextContent('real');
  });

  it('tags a real request that only reached mock deployments "mock"', async () => {
    const user = userEvent.setup();
    renderTester(['nebius-llama-3.3-70b', 'fireworks-llama-v3p3-70b']);
    await user.click(screen.getByRole('radio', { name: /Real providers/ }));
    await user.click(screen.getByRole('button', { name: 'Send test request' }));
    expect(await screen.findByTestId('test-answer')).toBeInTheDocument();
    expect(screen.getByTestId('test-mode')).toHaveTextContent('mock');
  });
});
