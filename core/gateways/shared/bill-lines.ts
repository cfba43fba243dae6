/**
 * Shared by the bill adapters: a typed BillError, yuan text → fen for bill cells, and a byte stream
 * → text lines reader. Lines are read with node:readline over the (optionally gunzipped or
 * GBK-decoded) stream, so a bill is never held whole in memory.
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { GatewayError } from '../../common/errors.ts';

/** A bill that was fetched but cannot be trusted as read: the day is tried again, never booked as empty. */
export class BillError extends GatewayError {}

const BEIJING_OFFSET_MS = 8 * 3600_000;

/**
 * True when `date` (YYYY-MM-DD) is before the same day three calendar months before today (Beijing):
 * WeChat Pay keeps bills three months (v2 downloadbill and v3 tradebill alike).
 */
export function olderThanThreeMonths(date: string, now: number): boolean {
  const today = new Date(now + BEIJING_OFFSET_MS);
  const limit = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 3, today.getUTCDate()));
  return date < limit.toISOString().slice(0, 10);
}

const BILL_YUAN = /^(-)?(0|[1-9]\d{0,11})(?:\.(\d{1,2})0*)?$/;

/**
 * A bill cell in yuan ("0.01", "0.0", "-15.01", "12") → integer fen; a sign is kept (Alipay prints
 * refunds negative). More than two significant decimals or anything else is a BillError.
 */
export function billYuanToFen(text: string, where: string): number {
  const match = BILL_YUAN.exec(text.trim());
  if (!match)
    throw new BillError(
      'bill_unreadable',
      `${where}: not a yuan amount: ${JSON.stringify(text.slice(0, 40))}`,
    );
  const fen = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -fen : fen;
}

/**
 * The text lines of a stream (any line ending), the UTF-8 BOM removed from the first. A reader that
 * stops early (an unreadable row) closes the interface and destroys the stream: otherwise the
 * download stays open, and its later failure (deadline, reset) is re-emitted by readline on an
 * interface nobody listens to, an uncaught error that ends the process.
 */
export async function* textLines(stream: Readable): AsyncGenerator<string> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let first = true;
  try {
    for await (const line of lines) {
      yield first ? line.replace(/^\uFEFF/, '') : line;
      first = false;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/**
 * Reads at least `bytes` bytes (or everything, if shorter) and gives them back with a stream that
 * replays them before the rest: lets an adapter tell an error body from a bill (XML vs gzip vs text)
 * without buffering the bill.
 */
export async function peekStream(
  stream: Readable,
  bytes: number,
): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let size = 0;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(next.value);
    size += next.value.length;
  }
  const head = Buffer.concat(chunks);
  let headSent = head.length === 0;
  const replayed = new Readable({
    read() {
      if (!headSent) {
        headSent = true;
        this.push(head);
        return;
      }
      iterator.next().then(
        (next) => this.push(next.done ? null : next.value),
        (error: Error) => this.destroy(error),
      );
    },
    // A reader that gives up destroys the replay: the download under it is released with it.
    destroy(error, callback) {
      stream.destroy();
      callback(error);
    },
  });
  return { head, stream: replayed };
}

/** The whole of a (small) stream as text, at most `maxBytes`: error bodies only. */
export async function smallText(stream: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
