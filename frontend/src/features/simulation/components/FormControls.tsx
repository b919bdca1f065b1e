// The small controls the scenario, incident and draft editors share. A number is typed as text
// and kept as typed until the form is checked; a failure percentage is clamped to 0-100 as typed.
import type { ErrorKind } from '@/gql/graphql';
import { ERROR_KINDS } from '../utils/simulation-input';

export function FieldError({ message }: { message?: string }) {
  return message ? <div className="field-error">{message}</div> : null;
}

interface NumberInputProps {
  value: string | number;
  /** The accessible name. */
  label: string;
  /** A fraction is allowed (the on-screen keyboard shows a decimal point). */
  decimal?: boolean;
  placeholder?: string;
  disabled?: boolean;
  invalid?: boolean;
  title?: string;
  onChange: (value: string) => void;
}

export function NumberInput({ label, decimal = false, invalid, onChange, ...rest }: NumberInputProps) {
  return (
    <input
      inputMode={decimal ? 'decimal' : 'numeric'}
      aria-label={label}
      aria-invalid={invalid}
      onChange={(e) => onChange(e.target.value)}
      {...rest}
    />
  );
}

/** A number input under a caption, with its error (if any) below it. */
export function NumberField({ caption, error, ...input }: NumberInputProps & { caption: string; error?: string }) {
  return (
    <label className="field">
      <span>{caption}</span>
      <NumberInput {...input} />
      <FieldError message={error} />
    </label>
  );
}

type PercentInputProps = Omit<NumberInputProps, 'decimal' | 'onChange'> & { onChange: (percent: number) => void };

export function PercentInput({ onChange, ...input }: PercentInputProps) {
  return <NumberInput {...input} onChange={(value) => onChange(Math.max(0, Math.min(100, Number(value) || 0)))} />;
}

interface ErrorKindSelectProps {
  value: ErrorKind;
  label: string;
  disabled?: boolean;
  onChange: (kind: ErrorKind) => void;
}

export function ErrorKindSelect({ value, label, disabled, onChange }: ErrorKindSelectProps) {
  return (
    <select value={value} disabled={disabled} aria-label={label} onChange={(e) => onChange(e.target.value as ErrorKind)}>
      {ERROR_KINDS.map((k) => (
        <option key={k.value} value={k.value}>
          {k.label}
        </option>
      ))}
    </select>
  );
}
