import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { typedErrorMessage } from '@/components/formatting';
import { GenerateKeyMutation } from '../api/documents';

export interface NewKey {
  keyId: string;
  key: string;
  keyAlias: string | null | undefined;
  teamId: string | null | undefined;
}

interface GenerateKeyFormProps {
  teams: readonly { teamId: string; teamAlias: string }[];
  onGenerated: (key: NewKey) => void;
}

export function GenerateKeyForm({ teams, onGenerated }: GenerateKeyFormProps) {
  const [alias, setAlias] = useState('');
  const [teamId, setTeamId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [state, generateKey] = useMutation(GenerateKeyMutation);
  const aliasId = useId();
  const teamSelectId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const response = await generateKey({
      input: { keyAlias: alias.trim() || null, teamId: teamId || null },
    });
    const outcome = response.data?.generateKey;
    if (response.error) setError(response.error.message);
    else if (outcome?.__typename === 'GeneratedKey') {
      setAlias('');
      setError(null);
      onGenerated(outcome);
    } else if (outcome) setError(typedErrorMessage(outcome));
  };

  return (
    <form className="panel inline-form" onSubmit={submit} noValidate aria-label="Generate key">
      <div className="field">
        <label htmlFor={aliasId}>Key name</label>
        <input
          id={aliasId}
          value={alias}
          placeholder="e.g. search-service-prod"
          autoComplete="off"
          onChange={(event) => {
            setAlias(event.target.value);
            setError(null);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={teamSelectId}>Team</label>
        <select id={teamSelectId} value={teamId} onChange={(event) => setTeamId(event.target.value)}>
          <option value="">No team</option>
          {teams.map((t) => (
            <option key={t.teamId} value={t.teamId}>
              {t.teamAlias}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button button-primary" disabled={state.fetching}>
        {state.fetching ? 'Generating…' : 'Generate key'}
      </button>
      {error && (
        <p className="field-error form-wide" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
