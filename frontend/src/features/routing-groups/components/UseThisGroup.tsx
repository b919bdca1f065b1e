import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { CopyButton } from '@/components/CopyButton';
import type { RoutingGroupFieldsFragment } from '@/gql/graphql';
import { KeysQuery, TeamsQuery } from '../api/documents';
import { RESPONSE_HEADERS, baseUrl, snippet, type SnippetLanguage } from '../utils/snippets';
import '../routing-groups.css';

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
  const base = baseUrl(window.location.origin);
  const code = snippet(language, base, group.routingGroupName);
  const teams = (teamsResult.data?.teams ?? []).filter((t) => group.assignedTeamIds.includes(t.teamId));
  const keys = (keysResult.data?.keys ?? []).filter((k) => group.assignedKeyIds.includes(k.keyId) && !k.revoked);
  const nobody = group.assignedTeamIds.length === 0 && group.assignedKeyIds.length === 0;

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
        <dt>Key</dt>
        <dd>
          An API key from the <Link to="/keys">Keys</Link> page, as <code>Authorization: Bearer …</code>
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
        <pre data-testid="use-snippet">
          <code>{code}</code>
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
