/**
 * WeChat Pay APIv3 trade bill (docs/protocols.md §3 "Bills"): `GET /v3/bill/tradebill?bill_date=&
 * bill_type=ALL` (with `sub_mchid` for a sub-merchant) answers a signed JSON `{hash_type: SHA1,
 * hash_value, download_url}`; the file at download_url (requested with a signed Authorization too,
 * answered unsigned) has the v2 bill's layout, read by the shared parser. Its SHA1 is computed while
 * the rows stream and compared at the end: a mismatch throws a BillError, so a damaged file is never a
 * day read. `NO_STATEMENT_EXIST` is an empty day, `STATEMENT_CREATING` not ready, a day more than three
 * months back `too_old`, anything unverifiable or unexpected `unavailable`.
 * Downloads use fetch (not the shared httpPost, which buffers under a 1 MiB cap: a busy day is larger)
 * and ask for the uncompressed file, whose bytes the hash covers as they arrive.
 */
import { createHash } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import type { BillFetch, BillRow, BillSource } from '../../ports/bill-source.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import { BillError, olderThanThreeMonths, textLines } from '../shared/bill-lines.ts';
import { readWxpayBill } from '../shared/wechat-bill-parser.ts';
import type { WxpayV3Config } from './wxpay-v3-config.ts';
import {
  createWxpayV3Transport,
  WXPAY_V3_USER_AGENT,
  type WxpayV3Transport,
  wxpayV3Authorization,
} from './wxpay-v3-transport.ts';

const DOWNLOAD_TIMEOUT_MS = 120_000;

export interface WxpayV3BillDeps {
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  readonly transport?: WxpayV3Transport;
}

/** The tradebill answer → where to download and the hash to expect, or what the day is. */
function readTradebill(
  reply: Awaited<ReturnType<WxpayV3Transport['call']>>,
): { url: string; sha1: string } | BillFetch {
  if (reply.kind === 'unknown') return { kind: 'unavailable', detail: `WeChat tradebill: ${reply.detail}` };
  const { status, json } = reply;
  const code = typeof json.code === 'string' ? json.code : '';
  if (code === 'NO_STATEMENT_EXIST') return { kind: 'empty' };
  if (code === 'STATEMENT_CREATING')
    return { kind: 'not_ready', detail: 'WeChat: bill being generated (ready after about 10:00 Beijing)' };
  const url = json.download_url;
  const sha1 = json.hash_value;
  if (status !== 200 || json.hash_type !== 'SHA1' || typeof url !== 'string' || typeof sha1 !== 'string')
    return { kind: 'unavailable', detail: `WeChat tradebill: HTTP ${status} ${code || 'unexpected reply'}` };
  return { url, sha1: sha1.toLowerCase() };
}

/** Passes bytes through while hashing them; `digest()` once the stream has ended. */
function sha1Tap(): { tap: Transform; digest: () => string } {
  const hash = createHash('sha1');
  let digest = '';
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      digest = hash.digest('hex');
      done();
    },
  });
  return { tap, digest: () => digest };
}

export function createWxpayV3BillSource(config: WxpayV3Config, deps: WxpayV3BillDeps = {}): BillSource {
  const fetchImpl = deps.fetch ?? fetch;
  const clock = deps.clock ?? systemClock;
  const transport = deps.transport ?? createWxpayV3Transport(config, clock);
  const sub = config.partner ? `&sub_mchid=${encodeURIComponent(config.partner.sub_mchid)}` : '';
  return {
    provider: 'wxpay_v3',
    async fetchBill(date, signal) {
      if (olderThanThreeMonths(date, clock.now()))
        return { kind: 'too_old', detail: 'WeChat Pay keeps bills for three months' };
      const asked = readTradebill(
        await transport.call(
          'GET',
          `/v3/bill/tradebill?bill_date=${date}&bill_type=ALL${sub}`,
          undefined,
          config.timeouts.other_ms,
        ),
      );
      if ('kind' in asked) return asked;
      const expectedSha1 = asked.sha1;
      let url: URL;
      try {
        url = new URL(asked.url);
      } catch {
        return { kind: 'unavailable', detail: 'WeChat tradebill: download_url is not a URL' };
      }
      let response: Response;
      try {
        response = await fetchImpl(url, {
          headers: {
            accept: '*/*',
            'user-agent': WXPAY_V3_USER_AGENT,
            authorization: wxpayV3Authorization(config, 'GET', url, '', clock.now()),
          },
          signal: signal
            ? AbortSignal.any([signal, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)])
            : AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
        });
      } catch (error) {
        return { kind: 'unavailable', detail: `WeChat bill download: ${(error as Error).message}` };
      }
      if (response.status !== 200 || !response.body) {
        await response.body?.cancel();
        return { kind: 'unavailable', detail: `WeChat bill download answered HTTP ${response.status}` };
      }
      const { tap, digest } = sha1Tap();
      // An error destroys both streams and reaches the reader, as in the v2 bill source.
      const hashed = pipeline(Readable.fromWeb(response.body as never), tap, () => {});
      const reader = readWxpayBill(textLines(hashed));
      async function* checkedRows(): AsyncGenerator<BillRow> {
        yield* reader.rows;
        if (digest() !== expectedSha1)
          throw new BillError('bill_unreadable', 'WeChat bill: the file does not match its SHA1 hash_value');
      }
      return { kind: 'bill', rows: checkedRows(), summary: reader.summary };
    },
  };
}
