import type { UiRequest, UiResponse } from '../protocol/ui-messages';
import { UI_REQUEST_CHANNEL } from '../protocol/ui-messages';

/** How a UI asks the background something; the pages pass runtime.sendMessage, tests a fake. */
export type RequestFn = (request: UiRequest) => Promise<UiResponse>;

type Body<T extends UiRequest['type']> = Omit<Extract<UiRequest, { type: T }>, 'channel' | 'type'>;

export const makeRequest = <T extends UiRequest['type']>(type: T, body: Body<T>): UiRequest => ({ channel: UI_REQUEST_CHANNEL, type, ...body }) as UiRequest;

/** Saves text as a file through a temporary link: works in every extension page, needs no downloads permission. */
export function downloadText(fileName: string, mimeType: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
