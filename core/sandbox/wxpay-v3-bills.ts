/**
 * The sandbox's APIv3 trade bill (docs/protocols.md §3 "Bills"): `GET /wxpay/v3/bill/tradebill`
 * answers `{hash_type: SHA1, hash_value, download_url}` (signed like every v3 reply, by the protocol
 * handler) and the file is served once at `/wxpay/v3/billdownload/file?token=…` (its request signed
 * too, its answer not), in the v2 bill's layout (bill-files.ts). A sub-merchant's bill (`sub_mchid`)
 * holds only that sub-merchant's trades; the direct merchant's only its own.
 * Choices where the docs are silent: a day with no trade answers 400 NO_STATEMENT_EXIST; a token is
 * good for one download (the docs give the link a few minutes).
 */
import { createHash, randomBytes } from 'node:crypto';
import { billLines, wxpayBillText } from './bill-files.ts';
import type { V3BillFaults } from './bill-routes.ts';
import type { SandboxReply } from './http-server.ts';
import type { SandboxLedger } from './ledger.ts';
import type { SandboxCredentials } from './sandbox-credentials.ts';
import type { V3Account } from './wxpay-v3-accounts.ts';

type Json = Record<string, unknown>;
const NO_FAULTS: V3BillFaults = {
  take: () => false,
  adjustments: () => ({ omitted: new Set<string>(), amounts: new Map<string, number>() }),
  corrupt: (bytes) => Buffer.from(bytes),
};

export function createWxpayV3Bills(
  ledger: SandboxLedger,
  merchant: SandboxCredentials['wxpay_v3'],
  faults: V3BillFaults = NO_FAULTS,
) {
  const files = new Map<string, Buffer>();

  /** The tradebill answer: status and JSON body, for the protocol handler to sign. */
  function tradebill(
    query: URLSearchParams,
    account: V3Account,
    host: string,
  ): { status: number; body: Json } {
    const date = query.get('bill_date') ?? '';
    const billType = query.get('bill_type') ?? 'ALL';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))
      return { status: 400, body: { code: 'PARAM_ERROR', message: 'bill_date must be yyyy-MM-DD' } };
    if (!['ALL', 'SUCCESS', 'REFUND'].includes(billType))
      return {
        status: 400,
        body: { code: 'PARAM_ERROR', message: 'bill_type must be ALL, SUCCESS or REFUND' },
      };
    if (faults.take('not_ready', date))
      return { status: 400, body: { code: 'STATEMENT_CREATING', message: '账单生成中' } };
    const lines = billLines(ledger.allTrades(), 'wxpay_v3', date, faults.adjustments()).filter(
      (line) =>
        line.trade.echo.sub_mchid === account.sub_mchid &&
        (billType === 'ALL' || (billType === 'REFUND') === (line.kind === 'refund')),
    );
    if (lines.length === 0)
      return { status: 400, body: { code: 'NO_STATEMENT_EXIST', message: '账单文件不存在' } };
    const bytes = Buffer.from(
      wxpayBillText(lines, { appid: merchant.appid, mch_id: merchant.mchid }),
      'utf8',
    );
    const token = randomBytes(18).toString('base64url');
    // The hash is of the real file; the corrupt_file fault then serves a damaged copy.
    const hashValue = createHash('sha1').update(bytes).digest('hex');
    files.set(token, faults.take('corrupt_file', date) ? faults.corrupt(bytes) : bytes);
    return {
      status: 200,
      body: {
        hash_type: 'SHA1',
        hash_value: hashValue,
        download_url: `http://${host}/wxpay/v3/billdownload/file?token=${token}`,
      },
    };
  }

  /** The file behind a download_url, once; undefined for an unknown or used token. */
  function download(token: string | null): SandboxReply | undefined {
    const bytes = token === null ? undefined : files.get(token);
    if (!bytes || token === null) return undefined;
    files.delete(token);
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: '', bytes };
  }

  return { tradebill, download };
}
