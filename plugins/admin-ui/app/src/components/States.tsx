/** Loading, empty and error states, the same on every page. */
import type { ReactNode } from 'react';
import { ApiError } from '../api';

export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state empty">{children}</p>;
}

export function ErrorMessage({ error, action }: { error: unknown; action?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof ApiError && error.status ? ` (HTTP ${error.status})` : '';
  const hint = error instanceof ApiError && error.status === 403 ? ' You do not have access to this.' : '';
  return (
    <div className="error" role="alert">
      <strong>{action ? `Could not ${action}` : 'Something went wrong'}{status}:</strong> {message}
      {hint}
    </div>
  );
}
