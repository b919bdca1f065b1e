import { useEffect, useId, useRef } from 'react';
import { CopyButton } from '@/components/CopyButton';
import type { NewKey } from './GenerateKeyForm';

/** The one time a key is shown. */
export function NewKeyDialog({
  generated,
  teamName,
  onClose,
}: {
  generated: NewKey;
  teamName: string | null;
  onClose: () => void;
}) {
  const titleId = useId();
  const keyRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    keyRef.current?.focus();
    keyRef.current?.select();
  }, []);

  return (
    <div className="modal-backdrop">
      <div className="modal modal-wide" role="dialog" aria-modal="true" aria-labelledby={titleId}>
        <h2 id={titleId}>Your new key{generated.keyAlias ? `: ${generated.keyAlias}` : ''}</h2>
        <div className="modal-body">
          <p className="banner banner-warning">
            <strong>Copy it now: you will not see it again.</strong> Only a hash is stored; if it is lost, revoke it
            and generate a new one.
          </p>
          <label htmlFor={`${titleId}-key`} className="visually-hidden">
            API key
          </label>
          <div className="copy-row">
            <input
              id={`${titleId}-key`}
              ref={keyRef}
              className="mono secret"
              readOnly
              value={generated.key}
              data-testid="new-key-value"
              onFocus={(event) => event.target.select()}
            />
            <CopyButton text={generated.key} />
          </div>
          <p className="muted">
            {teamName ? (
              <>
                It belongs to team <strong>{teamName}</strong>: it may call every routing group that lists this
                team.
              </>
            ) : (
              <>It has no team: assign the key itself to a routing group in the group's Settings.</>
            )}{' '}
            Send it as <code>Authorization: Bearer …</code>, or as the <code>api_key</code> of an OpenAI client.
          </p>
        </div>
        <div className="modal-actions">
          <button type="button" className="button button-primary" onClick={onClose}>
            I have copied the key
          </button>
        </div>
      </div>
    </div>
  );
}
