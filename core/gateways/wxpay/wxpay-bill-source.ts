/**
 * WeChat Pay v2 `pay/downloadbill` (docs/protocols.md §2 "Bills"): a signed XML POST; the answer is
 * the bill itself (text, or gzip with tar_type=GZIP) or, when there is none, an unsigned XML error
 * body. The bill is streamed: gunzip → lines → rows. "No Bill Exist" is an empty day; "Bill
 * Creating" is not ready yet (generated from 9:00 Beijing the next day, fetch after 10:00); a day
 * more than three months back is `too_old` without asking (the docs: bills are kept three months); any other
 * error, a non-200 status or a network failure is `unavailable`, never an empty day.
 * Uses fetch (not the shared httpPost) because httpPost buffers the reply under a 1 MiB cap and a
 * busy day's bill is larger; downloadbill is not a /secapi call, so no client certificate is needed.
 */
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { BillFetch, BillSource } from '../../ports/bill-source.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import { olderThanThreeMonths, peekStream, smallText, textLines } from '../shared/bill-lines.ts';
import { readWxpayBill } from '../shared/wechat-bill-parser.ts';
import type { WxpayConfig } from './wxpay-config.ts';
import { signedParams } from './wxpay-transport.ts';
import { buildWxpayXml, parseWxpayXml } from './wxpay-xml.ts';

const DOWNLOAD_TIMEOUT_MS = 120_000;
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

export interface WxpayBillDeps {
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
}

export { olderThanThreeMonths };

/** An error body → what it means for the day. */
export function wxpayBillError(body: string): BillFetch {
  const parsed = parseWxpayXml(body);
  const message = parsed.ok ? (parsed.fields.return_msg ?? '') : '';
  if (/no\s*bill\s*exist/i.test(message)) return { kind: 'empty' };
  if (/bill\s*creating/i.test(message))
    return {
      kind: 'not_ready',
      detail: `WeChat: ${message} (bills are ready after about 10:00 Beijing the next day)`,
    };
  return {
    kind: 'unavailable',
    detail: `WeChat downloadbill: ${message.slice(0, 200) || 'unreadable error body'}`,
  };
}

export function createWxpayBillSource(config: WxpayConfig, deps: WxpayBillDeps = {}): BillSource {
  const fetchImpl = deps.fetch ?? fetch;
  const clock = deps.clock ?? systemClock;
  return {
    provider: 'wxpay',
    async fetchBill(date, signal) {
      if (olderThanThreeMonths(date, clock.now()))
        return { kind: 'too_old', detail: 'WeChat Pay keeps bills for three months' };
      const body = buildWxpayXml(
        signedParams(config, { bill_date: date.replaceAll('-', ''), bill_type: 'ALL', tar_type: 'GZIP' }),
      );
      let response: Response;
      try {
        response = await fetchImpl(`${config.base_url}/pay/downloadbill`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'text/xml; charset=utf-8' },
          signal: signal
            ? AbortSignal.any([signal, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)])
            : AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
        });
      } catch (error) {
        return { kind: 'unavailable', detail: `WeChat downloadbill: ${(error as Error).message}` };
      }
      if (response.status !== 200 || !response.body) {
        await response.body?.cancel();
        return { kind: 'unavailable', detail: `WeChat downloadbill answered HTTP ${response.status}` };
      }
      const { head, stream } = await peekStream(Readable.fromWeb(response.body as never), 5);
      if (head.subarray(0, 2).equals(GZIP_MAGIC)) {
        const text = pipeline(stream, createGunzip(), () => {}); // an error destroys both and reaches the reader
        const reader = readWxpayBill(textLines(text));
        return { kind: 'bill', rows: reader.rows, summary: reader.summary };
      }
      if (head.toString('utf8').trimStart().startsWith('<xml'))
        return wxpayBillError(await smallText(stream, 64 * 1024));
      const reader = readWxpayBill(textLines(stream));
      return { kind: 'bill', rows: reader.rows, summary: reader.summary };
    },
  };
}
