import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { mockClient } from '@/test/mock-client';
import { ReplayWindowPicker } from './ReplayWindowPicker';

const bucket = (i: number, requests: number) => ({
  startMs: i * 60_000,
  endMs: (i + 1) * 60_000,
  requests,
  failedRequests: 0,
  deployments: [{ deploymentId: 'nebius', attempts: requests, successes: requests, failures: 0, coolingDown: false, p50LatencyMs: 10 }],
});

describe('ReplayWindowPicker', () => {
  it('draws the recorded traffic of the window and offers each stretch of it as the window', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    const mock = mockClient({
      RecordedTimeline: () => ({ routingGroup: { routingGroupId: 'rg-1', recorded: [bucket(0, 4), bucket(1, 0), bucket(2, 0), bucket(3, 7)] } }),
    });
    const window = { from: '2026-12-03T10:00:00.000Z', to: '2026-12-03T10:04:00.000Z' };
    render(
      <Provider value={mock.client}>
        <ReplayWindowPicker
          groupId="rg-1"
          deployments={[{ deploymentId: 'nebius', deploymentName: 'Nebius', provider: 'nebius' }]}
          form={{ preset: 'hour', from: '', to: '' }}
          window={window}
          errors={{}}
          disabled={false}
          onChange={onChange}
        />
      </Provider>,
    );
    expect(mock.callsOf('RecordedTimeline')[0]?.variables).toEqual({ id: 'rg-1', ...window });
    expect(await screen.findByTestId('replay-recorded-preview')).toHaveAttribute('data-requests', '11');
    const spans = screen.getAllByTestId('replay-span');
    expect(spans.map((s) => s.textContent)).toEqual([expect.stringContaining('4 requests'), expect.stringContaining('7 requests')]);
    await user.click(spans[1]!);
    const picked = onChange.mock.calls[0]![0] as { preset: string; from: string; to: string };
    expect(picked.preset).toBe('custom');
    expect(new Date(picked.from).toISOString()).toBe('2026-12-03T10:03:00.000Z');
    expect(new Date(picked.to).toISOString()).toBe('2026-12-03T10:04:00.000Z');
  });
});
