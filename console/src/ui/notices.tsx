import type { ComponentChildren } from 'preact';

/** An error in words, with a way to try again when there is one. */
export function ErrorNote({ message, retry }: { message: string; retry?: () => void }) {
  return (
    <div class="notice notice-error" role="alert">
      <span>{message}</span>
      {retry && (
        <button type="button" class="button-link" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div class="notice notice-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {what}…
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="notice notice-empty">{children}</div>;
}

/** A titled box (panels, cards). */
export function Card({ title, children, actions }: { title: ComponentChildren; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card">
      <header class="card-header">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}
