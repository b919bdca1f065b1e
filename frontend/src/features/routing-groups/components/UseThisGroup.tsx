import { useId, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { CopyButton } from '@/components/CopyButton';
import type { RoutingGroupFieldsFragment } from '@/gql/graphql';
import { getApiKey } from '@/lib/auth';
import { freshKeys } from '@/lib/fresh-keys';
import { KeysQuery, TeamsQuery } from '../api/documents';
import { KEY_PLACEHOLDER, RESPONSE_HEADERS, baseUrl, maskKey, snippet, type SnippetLanguage } from '../utils/snippets';
import '../routing-groups.css';

type KeyChoice = 'placeholder' | 'signed-in' | 'paste' | `fresh:${string}`;

const LANGUAGES: { id: SnippetLanguage; label: string }[] = [
  { id: 'curl', label: 'curl' },
  { id: 'python', label: 'Python (openai)' },
  { id: 'javascript', label: 'JavaScript (openai)' },
];

/** How a developer calls this group, and who may. */
export function UseThisGroup({ group }: { group: RoutingGroupFieldsFragment }) {
  const [language, setLanguage] = useState<SnippetLanguage>('python');
  const [teamsResult] = useQuery({ query: TeamsQuery });
  const [keysResult] = useQuery({ query: KeysQuery });
  const [keyChoice, setKeyChoice] = useState<KeyChoice>('placeholder');
  const [pasted, setPasted] = useState('');
  const pickerId = useId();
  const [made] = useState(freshKeys);
  const chosenKey =
    keyChoice === 'signed-in'
      ? (getApiKey() ?? KEY_PLACEHOLDER)
      : keyChoice === 'paste'
        ? pasted.trim() || KEY_PLACEHOLDER
        : keyChoice.startsWith('fresh:')
          ? (made.find((k) => `fresh:${k.keyId}` === keyChoice)?.key ?? KEY_PLACEHOLDER)
          : KEY_PLACEHOLDER;
  const base = baseUrl(window.location.origin);
  // Shown with the key elided; the copy button copies it whole, so the copy works as pasted.
  const code = snippet(language, base, group.routingGroupName, chosenKey);
  const shown = snippet(language, base, group.routingGroupName, maskKey(chosenKey));
  const teams = (teamsResult.data?.teams ?? []).filter((t) => group.assignedTeamIds.includes(t.teamId));
  const keys = (keysResult.data?.keys ?? []).filter((k) => group.assignedKeyIds.includes(k.keyId) && !k.revoked);
  const nobody = group.assignedTeamIds.length === 0 && group.assignedKeyIds.length === 0;
  const picked = keyChoice.startsWith('fresh:')
    ? (keysResult.data?.keys ?? []).find((k) => `fresh:${k.keyId}` === keyChoice)
    : undefined;
  // A key just made has no access until it (or its team) is assigned: the snippet would fail.
  const pickedKeyBarred =
    picked !== undefined &&
    !group.assignedKeyIds.includes(picked.keyId) &&
    !(picked.teamId && group.assignedTeamIds.includes(picked.teamId));

  return (
    <section className="panel use-this-group" aria-labelledby="use-this-group-title">
      <h2 id="use-this-group-title">Use this group</h2>
      <dl className="facts">
        <dt>Base URL</dt>
        <dd className="copy-row">
          <code data-testid="use-base-url">{base}</code> <CopyButton text={base} />
        </dd>
        <dt>Model</dt>
        <dd className="copy-row">
          <code>{group.routingGroupName}</code> <CopyButton text={group.routingGroupName} />
        </dd>
        <dt>
          <label htmlFor={pickerId}>Key</label>
        </dt>
        <dd className="key-picker">
          <select id={pickerId} value={keyChoice} onChange={(e) => setKeyChoice(e.target.value as KeyChoice)}>
            <option value="placeholder">A placeholder (put your key in yourself)</option>
            {made.map((k) => (
              <option key={k.keyId} value={`fresh:${k.keyId}`}>
                {k.label} (made in this tab)
              </option>
            ))}
            <option value="signed-in">The key you signed in with</option>
            <option value="paste">Paste a key…</option>
          </select>
          {keyChoice === 'paste' && (
            <input
              type="password"
              aria-label="Paste a key"
              autoComplete="off"
              className="mono"
              placeholder="sk-…"
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
            />
          )}
          {pickedKeyBarred && (
            <span className="field-error" role="status" data-testid="use-key-barred">
              This key may not call this group yet: assign the key or its team in{' '}
              <Link to={`/groups/${encodeURIComponent(group.routingGroupId)}/settings`}>Settings</Link>.
            </span>
          )}
          <span className="hint">
            {chosenKey === KEY_PLACEHOLDER ? (
              <>
                Keys are shown once: make one on the <Link to="/keys">Keys</Link> page, or paste one here.
              </>
            ) : (
              'The snippet shows it shortened; Copy copies it whole. It is never stored or sent anywhere.'
            )}
          </span>
        </dd>
      </dl>
      {!group.isActive && (
        <p className="banner banner-warning">This group is inactive: calls to it are refused until it is turned on.</p>
      )}
      <div className="snippet-tabs" role="tablist" aria-label="Snippet language">
        {LANGUAGES.map((l) => (
          <button
            key={l.id}
            type="button"
            role="tab"
            className="button button-small"
            aria-selected={language === l.id}
            onClick={() => setLanguage(l.id)}
          >
            {l.label}
          </button>
        ))}
      </div>
      <div className="code-block">
        <pre data-testid="use-snippet" tabIndex={0} aria-label="Snippet">
          <code>{shown}</code>
        </pre>
        <CopyButton text={code} />
      </div>
      <h3>Response headers</h3>
      <ul className="plain-list">
        {RESPONSE_HEADERS.map((h) => (
          <li key={h.name}>
            <code>{h.name}</code> <span className="muted">— {h.meaning}</span>
          </li>
        ))}
      </ul>
      <h3>Who may call it</h3>
      {nobody ? (
        <p>
          Only the master key. Give developers access: create a <Link to="/teams">team</Link> and a{' '}
          <Link to="/keys">key</Link>, then assign the team in this group&apos;s{' '}
          <Link to={`/groups/${encodeURIComponent(group.routingGroupId)}/settings`}>Settings</Link>.
        </p>
      ) : (
        <ul className="plain-list" data-testid="use-access">
          {teams.map((t) => (
            <li key={t.teamId}>
              Team <strong>{t.teamAlias}</strong> <span className="muted">(every key of the team)</span>
            </li>
          ))}
          {keys.map((k) => (
            <li key={k.keyId}>
              Key <strong>{k.keyAlias ?? k.keyPrefix}</strong> <span className="muted mono">{k.keyPrefix}…</span>
            </li>
          ))}
          <li className="muted">and the master key</li>
        </ul>
      )}
    </section>
  );
}
