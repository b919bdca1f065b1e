import type { ReactNode } from 'react';

/** Success feedback: announced politely, dismissable. */
export function Notice({ children, onDismiss }: { children: ReactNode; onDismiss?: () => void }) {
  return (
    <div className="banner banner-success" role="status">
      <span>{children}</span>
      {onDismiss && (
        <button type="button" className="button button-small button-ghost" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
