import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { Client, makeErrorResult, makeResult, type Exchange, type Operation } from 'urql';
import { filter, fromValue, makeSubject, map, merge, mergeMap, pipe, takeUntil, type Subject } from 'wonka';

function name(query: DocumentNode): string {
  const op = query.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  return op?.name?.value ?? '';
}

/** A real urql client whose only exchange plays the server: the subscription is fed by hand. */
export function streamingClient() {
  const stream = makeSubject<unknown>();
  const calls: { name: string; variables: Record<string, unknown> }[] = [];
  // One subject per subscription, in start order, for tests that drive two runs apart.
  const own: Subject<unknown>[] = [];
  const server: Exchange = () => (operations) => {
    const teardowns = pipe(operations, filter((op) => op.kind === 'teardown'));
    return pipe(
      operations,
      filter((op) => op.kind !== 'teardown'),
      mergeMap((op: Operation) => {
        calls.push({ name: name(op.query), variables: op.variables as Record<string, unknown> });
        if (op.kind === 'subscription') {
          const mine = makeSubject<unknown>();
          own.push(mine);
          return pipe(
            merge([stream.source, mine.source]),
            map((event) =>
              event instanceof Error ? makeErrorResult(op, event) : makeResult(op, { data: { simulateTraffic: event } }),
            ),
            takeUntil(pipe(teardowns, filter((t) => t.key === op.key))),
          );
        }
        return fromValue(makeResult(op, { data: { stopSimulation: true } }));
      }),
    );
  };
  const client = new Client({ url: '/graphql', exchanges: [server] });
  return {
    client,
    calls,
    emit: (event: unknown) => stream.next(event),
    /** The transport fails under every open subscription (the socket closed). */
    fail: (error: Error) => stream.next(error),
    /** To the `index`th subscription only (0: the first started). */
    emitTo: (index: number, event: unknown) => own[index]?.next(event),
  };
}

