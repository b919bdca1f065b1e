import { useId, useState, type ReactNode } from 'react';
import { FieldMessages } from './FieldMessages';
import '../routing-groups.css';

export interface ChecklistOption {
  id: string;
  label: string;
  detail?: string;
}

interface ChecklistPickerProps {
  legend: string;
  options: readonly ChecklistOption[];
  selected: readonly string[];
  emptyText: ReactNode;
  messages?: readonly string[];
  onChange: (selected: string[]) => void;
}

const SEARCH_THRESHOLD = 6;

/** A multi-select as a filterable list of checkboxes: keyboard and screen-reader friendly. */
export function ChecklistPicker({ legend, options, selected, emptyText, messages, onChange }: ChecklistPickerProps) {
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const chosen = new Set(selected);
  const visible = options.filter((o) =>
    `${o.label} ${o.detail ?? ''}`.toLowerCase().includes(filter.trim().toLowerCase()),
  );
  const toggle = (id: string) =>
    onChange(chosen.has(id) ? selected.filter((s) => s !== id) : [...selected, id]);

  return (
    <fieldset className="checklist">
      <legend>
        {legend} <span className="muted">({selected.length} selected)</span>
      </legend>
      {options.length > SEARCH_THRESHOLD && (
        <>
          <label htmlFor={filterId} className="visually-hidden">
            Filter {legend.toLowerCase()}
          </label>
          <input
            id={filterId}
            type="search"
            placeholder="Filter…"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
        </>
      )}
      {options.length === 0 ? (
        <p className="muted">{emptyText}</p>
      ) : (
        <ul className="checklist-options">
          {visible.map((option) => (
            <li key={option.id}>
              <label>
                <input type="checkbox" checked={chosen.has(option.id)} onChange={() => toggle(option.id)} />
                {option.label}
                {option.detail && <span className="muted"> · {option.detail}</span>}
              </label>
            </li>
          ))}
        </ul>
      )}
      <FieldMessages messages={messages} />
    </fieldset>
  );
}
