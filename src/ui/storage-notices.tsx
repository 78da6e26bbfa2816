import type { CaptureStatus, RetentionNotice } from '../protocol/ui-messages';

/** "The 3 oldest sessions were removed to keep within 100 sessions / 500 MB." */
export function describeRetentionNotice(notice: RetentionNotice): string {
  const what = notice.evicted === 1 ? 'The oldest session was removed' : `The ${notice.evicted} oldest sessions were removed`;
  if (notice.reason === 'storage-full') return `${what} because the browser had no room to store more.`;
  return `${what} to keep within ${notice.maxSessions} session${notice.maxSessions === 1 ? '' : 's'} / ${notice.maxMegabytes} MB.`;
}

const clock = (ms: number): string => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * Capture is paused because the browser refused to store more: what that means
 * for the user's calls, and what to do. Nothing here comes from a page.
 */
export function CapturePausedNote({ status, openLibrary, openOptions }: { status: CaptureStatus | null; openLibrary?: () => void; openOptions?: () => void }) {
  if (status === null || status.state === 'capturing') return null;
  return (
    <div class="capture-paused" role="alert" data-state={status.state} title={status.error}>
      <strong>Capture paused since {clock(status.since)}: the browser has no room to store more.</strong>{' '}
      Calls are kept in their pages and stored as soon as there is room. Delete sessions in the session library, or lower the storage
      limits in Options.{' '}
      {openLibrary ? (
        <button type="button" class="link" onClick={openLibrary}>
          Session library
        </button>
      ) : null}{' '}
      {openOptions ? (
        <button type="button" class="link" onClick={openOptions}>
          Options
        </button>
      ) : null}
    </div>
  );
}

/** Sessions retention removed, until the user dismisses it. */
export function RetentionNoticeNote({ notice, onDismiss, openOptions }: { notice: RetentionNotice | null; onDismiss: () => void; openOptions?: () => void }) {
  if (notice === null) return null;
  return (
    <div class="retention-notice" role="status">
      {describeRetentionNotice(notice)}{' '}
      {openOptions ? (
        <button type="button" class="link" onClick={openOptions}>
          Change in Options
        </button>
      ) : null}{' '}
      <button type="button" class="link" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
