import type { CombinedError } from 'urql';
import { readableError } from '@/components/readable-error';

/** A failed load, said plainly, with a way to try again. */
export function LoadError({ what, error, onRetry }: { what: string; error: CombinedError; onRetry: () => void }) {
  return (
    <div className="banner banner-error" role="alert">
      <p>
        Could not load {what}: {readableError(error)}
      </p>
      <button type="button" className="button button-small" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
