import type { Signal } from '@preact/signals';

/** A settings error, as text, announced to screen readers. */
export function ErrorNote({ error }: { error: Signal<string | null> }) {
  return error.value ? (
    <p class="error" role="alert">
      {error.value}
    </p>
  ) : null;
}
