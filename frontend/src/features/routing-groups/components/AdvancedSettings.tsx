import { useId } from 'react';
import type { BuilderForm } from '../utils/builder-form';
import type { FieldErrorMap } from '../utils/field-errors';
import { FieldMessages } from './FieldMessages';
import '../routing-groups.css';

type AdvancedField = 'numRetries' | 'allowedFails' | 'cooldownTimeSeconds' | 'maxFallbacks' | 'timeoutSeconds';

const FIELDS: { key: AdvancedField; label: string; hint: string; step: string }[] = [
  { key: 'numRetries', label: 'Retries', hint: 'Retries on the same tier before falling back.', step: '1' },
  { key: 'allowedFails', label: 'Allowed fails', hint: 'Failures per minute before a deployment cools down.', step: '1' },
  { key: 'cooldownTimeSeconds', label: 'Cooldown (seconds)', hint: 'How long a failing deployment is skipped.', step: 'any' },
  { key: 'maxFallbacks', label: 'Max fallbacks', hint: 'How many fallback tiers one request may try.', step: '1' },
  { key: 'timeoutSeconds', label: 'Timeout (seconds)', hint: 'Per attempt; empty for no limit.', step: 'any' },
];

interface AdvancedSettingsProps {
  form: BuilderForm;
  errors: FieldErrorMap;
  open: boolean;
  onToggle: (open: boolean) => void;
  onChange: (field: AdvancedField, value: string) => void;
}

export function AdvancedSettings({ form, errors, open, onToggle, onChange }: AdvancedSettingsProps) {
  const baseId = useId();
  return (
    <details
      className="advanced-settings"
      open={open}
      onToggle={(event) => onToggle((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>Advanced settings</summary>
      <div className="advanced-grid">
        {FIELDS.map(({ key, label, hint, step }) => {
          const id = `${baseId}-${key}`;
          const messages = errors[key];
          return (
            <div className="field" key={key}>
              <label htmlFor={id}>{label}</label>
              <input
                id={id}
                type="number"
                min={0}
                step={step}
                value={form[key]}
                aria-invalid={messages ? true : undefined}
                aria-describedby={`${id}-hint`}
                onChange={(event) => onChange(key, event.target.value)}
              />
              <div className="hint" id={`${id}-hint`}>
                {hint}
              </div>
              <FieldMessages messages={messages} />
            </div>
          );
        })}
      </div>
    </details>
  );
}
