/**
 * Alipay `alipay.data.dataservice.bill.downloadurl.query` (bill_type=trade, docs/protocols.md §4
 * "Bills"): a signed call that answers a `bill_download_url` valid for 30 seconds; the URL serves a
 * zip of GBK CSV files (./alipay-bill-parser.ts), streamed. A link that answers anything but a zip
 * (the expired-link page says 下载超时,请重新下载) is asked for again once; then `unavailable`.
 * `isp.bill_not_exist` means "not generated": within two days after the date (bills are made T+1,
 * recommended after 10:00) it is `not_ready`; later, nothing was traded and the day is `empty`.
 */
import { Readable } from 'node:stream';
import type { BillFetch, BillSource } from '../../ports/bill-source.ts';
import type { Clock } from '../../ports/clock.ts';
import { systemClock } from '../../ports/clock.ts';
import { peekStream, smallText } from '../shared/bill-lines.ts';
import type * as AlipayBillParser from './alipay-bill-parser.ts';
import type { AlipayConfig } from './alipay-config.ts';
import { type AlipayTransport, createAlipayTransport } from './alipay-transport.ts';

const METHOD = 'alipay.data.dataservice.bill.downloadurl.query';
const DOWNLOAD_TIMEOUT_MS = 120_000;
const BEIJING_OFFSET_MS = 8 * 3600_000;

export interface AlipayBillDeps {
  readonly clock?: Clock;
  readonly transport?: AlipayTransport;
  readonly fetch?: typeof fetch;
}

/** Start of the Beijing day after `date` plus `days - 1` more days, in ms since epoch. */
function beijingDayStart(date: string, plusDays: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d + plusDays) - BEIJING_OFFSET_MS;
}

export function createAlipayBillSource(config: AlipayConfig, deps: AlipayBillDeps = {}): BillSource {
  const clock = deps.clock ?? systemClock;
  const transport = deps.transport ?? createAlipayTransport(config, clock);
  const fetchImpl = deps.fetch ?? fetch;

  async function downloadUrl(date: string): Promise<{ url: string } | BillFetch> {
    const reply = await transport.call(
      METHOD,
      { bill_type: 'trade', bill_date: date },
      { timeoutMs: config.timeouts.other_ms },
    );
    if (reply.kind === 'unknown') return { kind: 'unavailable', detail: `Alipay ${METHOD}: ${reply.detail}` };
    const r = reply.response;
    if (r.code === '10000' && typeof r.bill_download_url === 'string') return { url: r.bill_download_url };
    if (r.sub_code === 'isp.bill_not_exist') {
      return clock.now() < beijingDayStart(date, 2)
        ? { kind: 'not_ready', detail: 'Alipay: the bill is not generated yet (T+1, after 10:00 Beijing)' }
        : { kind: 'empty' };
    }
    return {
      kind: 'unavailable',
      detail:
        `Alipay ${METHOD}: ${String(r.code)} ${String(r.sub_code ?? '')} ${String(r.sub_msg ?? '')}`.trim(),
    };
  }

  return {
    provider: 'alipay',
    async fetchBill(date, signal) {
      let problem = '';
      for (let attempt = 1; attempt <= 2; attempt++) {
        const link = await downloadUrl(date);
        if (!('url' in link)) return link;
        let response: Response;
        try {
          const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
          response = await fetchImpl(link.url, {
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          });
        } catch (error) {
          problem = `Alipay bill download: ${(error as Error).message}`;
          continue;
        }
        if (response.status !== 200 || !response.body) {
          await response.body?.cancel();
          problem = `Alipay bill download answered HTTP ${response.status}`;
          continue;
        }
        const { head, stream } = await peekStream(Readable.fromWeb(response.body as never), 4);
        // The parser (csv-parse, fflate, iconv-lite) is loaded on the first bill, not by every
        // start of the service (idle memory, docs/benchmarks.md).
        const parser: typeof AlipayBillParser = await import('./alipay-bill-parser.ts');
        if (head.subarray(0, 4).equals(parser.ZIP_MAGIC)) {
          return { kind: 'bill', rows: parser.readAlipayBill(stream), summary: () => undefined };
        }
        // Not a zip: the expired-link page (下载超时) or an error page. Ask for a fresh link once.
        problem = `Alipay bill download: not a zip (${(await smallText(stream, 4096)).trim().slice(0, 120)})`;
      }
      return { kind: 'unavailable', detail: problem };
    },
  };
}
