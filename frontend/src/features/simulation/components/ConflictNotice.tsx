// A save that lost the race: someone else saved a newer version first. Said as such (with the
// version that won), never as a generic failure, so the user reloads or compares again.
import type { ReactNode } from 'react';
import '../replay.css';

interface ConflictNoticeProps {
  currentVersion: number | null;
  /** What was being saved, e.g. "this change" or "the rollback". */
  what: string;
  children?: ReactNode;
}

export function ConflictNotice({ currentVersion, what, children }: ConflictNoticeProps) {
  return (
    <div className="banner banner-warning conflict-notice" role="alert" data-testid="conflict-notice" data-current-version={currentVersion ?? ''}>
      <p>
        <strong>Not saved: someone else saved {currentVersion ? `version ${currentVersion}` : 'a newer version'}</strong> of
        this group after you loaded it, so {what} would have overwritten their change. Reload to see their version, or
        compare your change against it.
      </p>
      {children && <div className="row-buttons">{children}</div>}
    </div>
  );
}
