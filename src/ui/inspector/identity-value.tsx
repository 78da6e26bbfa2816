import { CopyButton } from './copy-button';
import { colourOf } from './format';
import type { ViewPlatform } from './platform';

/** One identity value with its colour, a copy button and notes (where it lives, when it expires). */
export function IdentityValue({ name, value, notes = [], platform, className = 'identity-item' }: { name: string; value: string | null; notes?: readonly string[]; platform: ViewPlatform; className?: string }) {
  return (
    <div class={className} data-field={name}>
      <span class="identity-name">{name}</span>
      {value === null ? (
        <span class="identity-value identity-none">none</span>
      ) : (
        <>
          <span class="identity-swatch" style={{ background: colourOf(value) }} />
          <code class="identity-value" title={value}>
            {value}
          </code>
          <CopyButton text={value} platform={platform} label={name} />
        </>
      )}
      {notes.filter(Boolean).map((note) => (
        <span class="identity-note">{note}</span>
      ))}
    </div>
  );
}
