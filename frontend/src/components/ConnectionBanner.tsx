import { useConnectionState } from '@/lib/connection';

/** Shown while the server cannot be reached; the page keeps what it had, marked stale. */
export function ConnectionBanner() {
  const state = useConnectionState();
  if (state === 'online') return null;
  return (
    <div className="banner banner-warning connection-banner" role="status" data-testid="connection-banner">
      <strong>Reconnecting…</strong> The server can't be reached. What this page shows may be out of date; it
      updates again as soon as the server answers.
    </div>
  );
}
