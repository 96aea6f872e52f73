/** Loading, empty and error states, announced to screen readers. */
import type { ComponentChildren } from "preact";
import type { FieldProblem } from "../api/errors";
import { ApiError, plainMessage } from "../api/errors";

export function Loading({ what }: { what: string }) {
  return (
    <p class="state loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

function fieldName(path: string): string {
  return path ? path.replace(/_/g, " ").replace(/\./g, " › ") : "request";
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const problems: FieldProblem[] = error instanceof ApiError ? error.problems : [];
  return (
    <div class="state error" role="alert">
      <p class="error-message">{plainMessage(error)}</p>
      {problems.length > 0 && (
        <ul>
          {problems.map((p) => (
            <li key={`${p.path}:${p.message}`}>
              <strong>{fieldName(p.path)}</strong>: {p.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
