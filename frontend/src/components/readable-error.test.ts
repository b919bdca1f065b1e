import { CombinedError } from 'urql';
import { describe, expect, it } from 'vitest';
import { readableError } from './readable-error';

describe('readableError', () => {
  it('says the server could not be reached instead of "[Network] undefined"', () => {
    const error = new CombinedError({ networkError: new TypeError('Failed to fetch') });
    expect(readableError(error)).toMatch(/could not be reached/);
    expect(readableError(error)).not.toMatch(/undefined|\[Network\]/);
  });

  it('names a server error by its status', () => {
    const error = new CombinedError({
      networkError: new Error('undefined'),
      response: new Response('', { status: 502 }),
    });
    expect(readableError(error)).toMatch(/HTTP 502/);
  });

  it('passes GraphQL messages through without the prefix', () => {
    const error = new CombinedError({ graphQLErrors: [{ message: 'size: out of range' }] });
    expect(readableError(error)).toBe('size: out of range');
  });
});
