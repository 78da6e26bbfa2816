/**
 * Whether a failed IndexedDB operation means the browser has no room for more.
 *
 * The standard signal is a QuotaExceededError. Identity Lens holds the
 * `unlimitedStorage` permission, so in Chromium its quota never runs out (even a
 * DevTools quota override is ignored); what does run out is the disk, and that
 * arrives in other shapes, seen in Chromium 156:
 * - a transaction aborted with UnknownError "Connection is closing because of: IO
 *   error: …: FILE_ERROR_NO_SPACE …", after which the connection is closed;
 * - opening the database again while the disk is full: QuotaExceededError
 *   "Encountered full disk while opening backing store", or UnknownError
 *   "Internal error opening backing store" (the same cause, reported less well);
 * - a value large enough to be stored as a blob: DataError "Failed to write blobs
 *   (IOError)".
 */
export function isStorageFull(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (name === 'QuotaExceededError') return true;
  return typeof message === 'string' && /FILE_ERROR_NO_SPACE|no space left|disk full|full disk|ENOSPC|Failed to write blobs/i.test(message);
}

/**
 * Whether a failure is the database being unusable for now rather than a bug: the
 * connection closed by the browser, or not open again yet. While capture is paused
 * for lack of room, these are the same pause, not a new problem.
 */
export function isStorageUnavailable(error: unknown): boolean {
  if (isStorageFull(error)) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return (name === 'InvalidStateError' || name === 'UnknownError') && typeof message === 'string' && /closing|closed|opened again|backing store/i.test(message);
}

/** Capture could not store a batch for lack of room, after retention freed what it could; capture is paused. */
export class StorageFullError extends Error {
  constructor(override readonly cause: unknown) {
    super(`Storage is full: ${cause instanceof Error || cause instanceof DOMException ? cause.message : String(cause)}`);
    this.name = 'StorageFullError';
  }
}
