import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { Client } from 'urql';
import { fromValue, never } from 'wonka';
import { vi } from 'vitest';

export type Variables = Record<string, unknown>;
type Handler = (variables: Variables) => unknown;

function operationName(query: DocumentNode): string {
  const op = query.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  return op?.name?.value ?? '';
}

/**
 * A stand-in urql client answering each operation by name with `handlers[name](variables)`.
 * Operations without a handler never answer (like a request still in flight).
 */
export function mockClient(handlers: Record<string, Handler>) {
  const calls: { name: string; variables: Variables }[] = [];
  const answer = vi.fn(({ query, variables }: { query: DocumentNode; variables?: Variables }) => {
    const name = operationName(query);
    calls.push({ name, variables: variables ?? {} });
    const handler = handlers[name];
    return handler ? fromValue({ data: handler(variables ?? {}) }) : never;
  });
  const client = {
    executeQuery: answer,
    executeMutation: answer,
    executeSubscription: answer,
  } as unknown as Client;
  return { client, calls, callsOf: (name: string) => calls.filter((c) => c.name === name) };
}
