/**
 * Which IPC senders are ours: only the main frame of our one window, showing our renderer's
 * file:// page. A sub-frame, another webContents or a page that navigated elsewhere is refused,
 * so a compromised or foreign page can never reach the payment API (Electron security checklist
 * item 17, "validate the sender of all IPC messages").
 */

export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

export interface IpcSenderLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
}

export interface TrustedRenderer {
  readonly webContentsId: number;
  /** file:// URL of dist/renderer/index.html (query and hash are ignored when comparing). */
  readonly rendererUrl: string;
}

export function sameDocument(url: string, expected: string): boolean {
  let actual: URL;
  let wanted: URL;
  try {
    actual = new URL(url);
    wanted = new URL(expected);
  } catch {
    return false;
  }
  return actual.protocol === 'file:' && actual.protocol === wanted.protocol && actual.host === wanted.host
    ? actual.pathname === wanted.pathname
    : false;
}

export function isTrustedSender(event: IpcSenderLike, trusted: TrustedRenderer | null): boolean {
  if (trusted === null) return false;
  const frame = event.senderFrame;
  if (frame === null || frame.parent !== null) return false;
  if (event.sender.id !== trusted.webContentsId) return false;
  return sameDocument(frame.url, trusted.rendererUrl);
}
