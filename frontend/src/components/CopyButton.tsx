import { useState } from 'react';

/** Copies `text`; says so for a moment. Falls back to selecting nothing when the clipboard is
 * not available (plain http on another host): the text stays visible to copy by hand. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    window.setTimeout(() => setState('idle'), 2000);
  };
  return (
    <button type="button" className="button button-small" onClick={copy}>
      {state === 'copied' ? 'Copied ✓' : state === 'failed' ? 'Select and copy by hand' : label}
    </button>
  );
}
