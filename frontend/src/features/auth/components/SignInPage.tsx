import { useId, useState, type FormEvent } from 'react';
import { getSignOutReason, signIn } from '@/lib/auth';
import '../auth.css';

export function SignInPage() {
  const [apiKey, setApiKey] = useState('');
  const keyId = useId();
  const reason = getSignOutReason();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (apiKey.trim()) signIn(apiKey);
  };

  return (
    <main className="sign-in">
      <form className="panel sign-in-card" onSubmit={submit} aria-label="Sign in">
        <h1>Routing Groups</h1>
        <p className="muted">Sign in with an API key. The key stays in this browser tab only.</p>
        {reason && (
          <div className="banner banner-error" role="alert">
            {reason}
          </div>
        )}
        <div className="field">
          <label htmlFor={keyId}>API key</label>
          <input
            id={keyId}
            type="password"
            autoComplete="off"
            placeholder="sk-…"
            value={apiKey}
            onChange={(event) => setApiKey(event.target.value)}
            autoFocus
          />
        </div>
        <button type="submit" className="button button-primary" disabled={!apiKey.trim()}>
          Sign in
        </button>
        <p className="hint">
          When the server generated the master key it printed a sign-in link (<code>/#key=…</code>) at start-up.
        </p>
      </form>
    </main>
  );
}
