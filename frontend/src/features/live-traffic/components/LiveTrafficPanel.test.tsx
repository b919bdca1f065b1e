import { act, render, screen, within } from '@testing-library/react';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { Client, Provider, makeResult, type Exchange, type Operation } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { filter, fromValue, makeSubject, map, mergeMap, pipe } from 'wonka';
import type { LiveRequest } from '../utils/live-requests';
import { connectionLost, connectionRestored } from '@/lib/connection';
import { LiveTrafficPanel } from './LiveTrafficPanel';

function name(query: DocumentNode): string {
  const op = query.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  return op?.name?.value ?? '';
}

const HEALTH = {
  routingGroup: {
    __typename: 'RoutingGroup',
    routingGroupId: 'g1',
    health: [
      {
        __typename: 'DeploymentHealth',
        deploymentId: 'busy',
        coolingDown: true,
        cooldownEndsAt: new Date(Date.now() + 42_000).toISOString(),
        rpmUsed: null,
        tpmUsed: null,
        requestsLastMinute: 1,
        failuresLastMinute: 1,
        p50LatencyMs: null,
      },
      {
        __typename: 'DeploymentHealth',
        deploymentId: 'calm',
        coolingDown: false,
        cooldownEndsAt: null,
        rpmUsed: 3,
        tpmUsed: 90,
        requestsLastMinute: 3,
        failuresLastMinute: 0,
        p50LatencyMs: 12.4,
      },
    ],
  },
};

const attempt = (deploymentId: string, status: 'SUCCESS' | 'ERROR', errorKind: string | null = null) => ({
  __typename: 'RoutingTrace',
  deploymentId,
  deploymentName: deploymentId,
  provider: 'openai',
  status,
  errorKind,
  fallbackDepth: deploymentId === 'busy' ? 0 : 1,
  latencyMs: 10,
});

const request = (startedAtMs: number, attempts: ReturnType<typeof attempt>[], skipped: { deploymentId: string; reason: string }[] = []) => ({
  __typename: 'RequestTrace',
  success: true,
  latencyMs: 20,
  startedAtMs,
  finishedAtMs: startedAtMs + 20,
  finalDeploymentId: 'calm',
  attempts,
  skipped: skipped.map((s) => ({ __typename: 'SkippedDeployment', ...s })),
});

/** A real urql client whose exchange plays the server: the subscription is fed by hand. */
function liveClient() {
  const stream = makeSubject<unknown>();
  const server: Exchange = () => (operations) =>
    pipe(
      operations,
      filter((op) => op.kind !== 'teardown'),
      mergeMap((op: Operation) =>
        name(op.query) === 'LiveTraffic'
          ? pipe(
              stream.source,
              map((event) => makeResult(op, { data: { liveTraffic: event } })),
            )
          : fromValue(makeResult(op, { data: HEALTH })),
      ),
    );
  return { client: new Client({ url: '/graphql', exchanges: [server] }), emit: (e: unknown) => stream.next(e) };
}

describe('LiveTrafficPanel', () => {
  it('shows each deployment’s health and the requests as their batches arrive, newest first', async () => {
    const { client, emit } = liveClient();
    const renderFlow = vi.fn((requests: readonly LiveRequest[]) => <p>flow of {requests.length}</p>);
    render(
      <Provider value={client}>
        <LiveTrafficPanel groupId="g1" renderFlow={renderFlow} />
      </Provider>,
    );

    const rows = await screen.findAllByTestId('health-row');
    expect(rows.map((r) => r.getAttribute('data-cooling'))).toEqual(['true', 'false']);
    expect(within(rows[0]!).getByText(/cooling down · 4[12]s left/)).toBeInTheDocument();
    expect(within(rows[1]!).getByText('12 ms')).toBeInTheDocument();
    expect(rows[1]!.textContent).toContain('3 / 90');
    expect(screen.getByText(/No \/v1 requests since this page opened/)).toBeInTheDocument();

    act(() => emit({ __typename: 'LiveTrafficBatch', routingGroupId: 'g1', requests: [] }));
    act(() =>
      emit({
        __typename: 'LiveTrafficBatch',
        routingGroupId: 'g1',
        requests: [request(1_000, [attempt('busy', 'ERROR', 'RATE_LIMIT'), attempt('calm', 'SUCCESS')])],
      }),
    );
    act(() =>
      emit({
        __typename: 'LiveTrafficBatch',
        routingGroupId: 'g1',
        requests: [request(2_000, [attempt('calm', 'SUCCESS')], [{ deploymentId: 'busy', reason: 'cooldown' }])],
      }),
    );

    const timeline = await screen.findByTestId('live-timeline');
    const lines = within(timeline).getAllByRole('listitem').map((li) => li.textContent);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('skipped busy (cooldown) → calm ✓');
    expect(lines[1]).toContain('busy ✗ RATE_LIMIT → calm ✓');
    expect(screen.getByText('flow of 2')).toBeInTheDocument();
    expect(renderFlow.mock.lastCall?.[0].map((r) => r.startedAtMs)).toEqual([1_000, 2_000]);
  });

  it('says so when the group cannot be watched', async () => {
    const { client, emit } = liveClient();
    render(
      <Provider value={client}>
        <LiveTrafficPanel groupId="nope" />
      </Provider>,
    );
    act(() => emit({ __typename: 'NotFoundError', message: "no routing group with id 'nope'" }));
    expect(await screen.findByText("no routing group with id 'nope'")).toBeInTheDocument();
  });

  it('says the server cannot be reached instead of "no requests", and names deployments as the app does', async () => {
    const { client } = liveClient();
    render(
      <Provider value={client}>
        <LiveTrafficPanel groupId="g1" names={{ busy: 'Busy Llama' }} />
      </Provider>,
    );
    const rows = await screen.findAllByTestId('health-row');
    expect(within(rows[0]!).getByText('Busy Llama')).toBeInTheDocument();
    act(() => connectionLost());
    expect(screen.getByTestId('live-empty')).toHaveTextContent("Can't reach the server");
    expect(screen.queryByText(/No \/v1 requests/)).toBeNull();
    expect(screen.getByTestId('live-stale')).toBeInTheDocument();
    act(() => connectionRestored());
    expect(screen.queryByTestId('live-stale')).toBeNull();
  });
});
