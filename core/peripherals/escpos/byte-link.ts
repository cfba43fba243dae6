/**
 * A byte pipe to a device: write a job, collect up to `replyBytes` bytes of answer. The TCP link
 * connects per job (a restarted network printer is simply reached again); the serial link keeps its
 * port open between jobs that follow each other (serial-link.ts says why) and closes it when idle.
 */
/** What an exchange waits for after writing: `replyBytes` bytes back, for at most `replyTimeoutMs`. */
export interface ExchangeOptions {
  readonly replyBytes?: number;
  readonly replyTimeoutMs?: number;
}

export interface ByteLink {
  readonly id: string;
  /** Writes `bytes`; when `replyBytes` > 0 waits (at most `replyTimeoutMs`) for that many bytes back. */
  exchange(bytes: Uint8Array, options?: ExchangeOptions): Promise<Uint8Array>;
  /** Releases what the link holds open (a serial port); a link that holds nothing need not have it. */
  close?(): Promise<void>;
}
