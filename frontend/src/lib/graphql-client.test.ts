import { gql } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { createGraphqlClient } from './graphql-client';

const ME = gql`
  query Me {
    me {
      identity
    }
  }
`;

function respond(status: number, body: unknown) {
  return vi.fn<typeof fetch>(async () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );
}

describe('createGraphqlClient', () => {
  it('sends the key as a bearer token', async () => {
    const fetch = respond(200, { data: { me: { identity: 'admin' } } });
    const client = createGraphqlClient({ apiKey: 'sk-123', onUnauthorized: vi.fn(), fetch });
    const result = await client.query(ME, {}).toPromise();
    expect(result.data).toEqual({ me: { identity: 'admin' } });
    const headers = new Headers(fetch.mock.calls[0]?.[1]?.headers);
    expect(headers.get('authorization')).toBe('Bearer sk-123');
  });

  it('signs out when the server answers 401', async () => {
    const onUnauthorized = vi.fn();
    const client = createGraphqlClient({
      apiKey: 'sk-bad',
      onUnauthorized,
      fetch: respond(401, { errors: [{ message: 'invalid key' }] }),
    });
    await client.query(ME, {}).toPromise();
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('stays signed in on other errors', async () => {
    const onUnauthorized = vi.fn();
    const client = createGraphqlClient({
      apiKey: 'sk-1',
      onUnauthorized,
      fetch: respond(500, { errors: [{ message: 'boom' }] }),
    });
    await client.query(ME, {}).toPromise();
    expect(onUnauthorized).not.toHaveBeenCalled();
  });
});
