import type { CombinedError } from 'urql';

/** What went wrong, in words: urql says "[Network] undefined" or "Failed to fetch" otherwise. */
export function readableError(error: CombinedError): string {
  if (error.networkError) {
    const status = (error.response as Response | undefined)?.status;
    if (status && status >= 500) return `the server answered with an error (HTTP ${status}). Try again in a moment.`;
    if (status) return `the server refused the request (HTTP ${status}).`;
    return 'the server could not be reached. Check that it is running and your connection, then try again.';
  }
  const messages = error.graphQLErrors.map((e) => e.message).filter(Boolean);
  return messages.length ? messages.join('; ') : error.message.replace(/^\[(GraphQL|Network)\]\s*/, '');
}
