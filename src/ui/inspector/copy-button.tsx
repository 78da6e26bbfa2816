import type { ViewPlatform } from './platform';

export function CopyButton({ text, platform, label }: { text: string; platform: ViewPlatform; label: string }) {
  return (
    <button type="button" class="copy" title={`Copy ${label}`} aria-label={`Copy ${label}`} onClick={() => platform.copy(text)}>
      <svg width="11" height="11" viewBox="0 0 16 16" aria-hidden="true">
        <path fill="currentColor" d="M5 1h9v11h-2V3H5zM2 4h9v11H2zm2 2v7h5V6z" />
      </svg>
    </button>
  );
}
