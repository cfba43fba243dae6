/**
 * A byte pipe to a device: open, write, collect up to `replyBytes` bytes of answer, close. Each job
 * opens its own connection so an unplugged or restarted printer is simply reached again next time;
 * the TCP and serial adapters implement it.
 */
export interface ByteLink {
  readonly id: string;
  /** Writes `bytes`; when `replyBytes` > 0 waits (at most `replyTimeoutMs`) for that many bytes back. */
  exchange(
    bytes: Uint8Array,
    options?: { replyBytes?: number; replyTimeoutMs?: number },
  ): Promise<Uint8Array>;
}
