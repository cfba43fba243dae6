/**
 * The sandbox's bill endpoints and their faults (docs/protocols.md, "Bills"; core/sandbox/README.md):
 * - WeChat v2 `POST /wxpay/pay/downloadbill`: signed XML in; the bill text out (gzip with
 *   tar_type=GZIP), or `No Bill Exist` for a day without trades, `Bill Creating` under the
 *   not_ready fault.
 * - Alipay `alipay.data.dataservice.bill.downloadurl.query` (a method of /alipay/gateway.do, signed
 *   like every other): a `bill_download_url` on this server that works for 30 s of sandbox time,
 *   then answers 下载超时,请重新下载, as Alipay's does.
 * - Faults, set with `POST /_sandbox/bills/faults` and cleared with `DELETE`: `not_ready`,
 *   `expired_url` (Alipay), `corrupt_file` (a gzip or zip cut and garbled), each for `times` uses
 *   (default 1); `omit_trade` (the provider lost a sale) and `amount` (the bill shows `total_fee`)
 *   for one out_trade_no until cleared. Provider `wxpay_v3` takes the same faults through `v3Faults`
 *   (wxpay-v3-bills.ts): not_ready is STATEMENT_CREATING, corrupt_file a file that fails its SHA1.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { v2Verify } from '../gateways/shared/v2-sign.ts';
import type { Provider } from '../ports/payment-gateway.ts';
import type { Response } from './alipay-fields.ts';
import { alipayBillZip, type BillAdjustments, billLines, wxpayBillText } from './bill-files.ts';
import type { SandboxReply, SandboxRequest } from './http-server.ts';
import type { SandboxLedger } from './ledger.ts';
import type { WxpayMerchant } from './wxpay-protocol.ts';
import { buildWxpayXml, parseWxpayXml } from './wxpay-xml.ts';

export const SANDBOX_ALIPAY_PID = '2088102177000001';
const URL_VALID_MS = 30_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const JSON_TYPE = 'application/json; charset=utf-8';

type CountedFault = 'not_ready' | 'expired_url' | 'corrupt_file';

export interface V3BillFaults {
  take(kind: 'not_ready' | 'corrupt_file', date: string): boolean;
  adjustments(): BillAdjustments;
  corrupt(bytes: Uint8Array): Buffer;
}
const COUNTED: readonly CountedFault[] = ['not_ready', 'expired_url', 'corrupt_file'];

interface FaultState {
  counted: Map<string, number>;
  omitted: Set<string>;
  amounts: Map<string, number>;
}

function json(status: number, value: unknown): SandboxReply {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(value) };
}

/** A copy cut short and garbled in the middle: no reader can take it for a whole file. */
function corrupt(bytes: Uint8Array): Buffer {
  const copy = Buffer.from(bytes.subarray(0, Math.max(8, Math.floor(bytes.length * 0.6))));
  copy.fill(0x5a, Math.floor(copy.length / 2));
  return copy;
}

function validDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === date;
}

export function createBillRoutes(ledger: SandboxLedger, wxMerchant: WxpayMerchant) {
  const state: FaultState = { counted: new Map(), omitted: new Set(), amounts: new Map() };
  /** authAppId: the ISV's authorising merchant whose bill it is (app_auth_token), else the app's own. */
  const links = new Map<string, { date: string; expiresAt: number; authAppId: string | undefined }>();

  /** Uses up one count of a fault for this provider (and date, when the fault named one). */
  function take(provider: Provider, kind: CountedFault, date: string): boolean {
    for (const key of [`${provider}|${kind}|${date}`, `${provider}|${kind}|*`]) {
      const left = state.counted.get(key) ?? 0;
      if (left > 0) {
        if (left === 1) state.counted.delete(key);
        else state.counted.set(key, left - 1);
        return true;
      }
    }
    return false;
  }

  function adjustments(): BillAdjustments {
    return { omitted: state.omitted, amounts: state.amounts };
  }

  function wxFail(message: string): SandboxReply {
    return {
      status: 200,
      contentType: 'text/xml; charset=utf-8',
      body: buildWxpayXml({ return_code: 'FAIL', return_msg: message }, 'one_line'),
    };
  }

  function wxpayDownload(request: SandboxRequest): SandboxReply {
    if (request.method !== 'POST') return wxFail('REQUIRE_POST_METHOD');
    const parsed = parseWxpayXml(request.body);
    if (!parsed.ok) return wxFail(`XML_FORMAT_ERROR: ${parsed.error}`);
    const params = parsed.params;
    const signType = params.sign_type ?? 'MD5';
    if (signType !== 'MD5' && signType !== 'HMAC-SHA256')
      return wxFail('sign_type must be MD5 or HMAC-SHA256');
    if (params.mch_id !== wxMerchant.mch_id || params.appid !== wxMerchant.appid)
      return wxFail('MCHID_NOT_EXIST: appid/mch_id unknown to the sandbox');
    if (!params.sign || !v2Verify(params, wxMerchant.key, signType)) return wxFail('SIGNERROR');
    const compact = params.bill_date ?? '';
    const date = `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
    if (!/^\d{8}$/.test(compact) || !validDate(date)) return wxFail('invalid bill_date');
    const billType = params.bill_type ?? 'ALL';
    if (!['ALL', 'SUCCESS', 'REFUND'].includes(billType)) return wxFail('invalid bill_type');
    if (take('wxpay', 'not_ready', date)) return wxFail('Bill Creating');
    // A service provider asking with sub_mch_id gets that sub-merchant's bill; without, its own.
    const lines = billLines(ledger.allTrades(), 'wxpay', date, adjustments()).filter(
      (l) =>
        l.trade.echo.sub_mch_id === params.sub_mch_id &&
        (billType === 'ALL' || (billType === 'REFUND') === (l.kind === 'refund')),
    );
    if (lines.length === 0) return wxFail('No Bill Exist');
    const text = wxpayBillText(lines, wxMerchant);
    const gzip = params.tar_type === 'GZIP';
    let bytes: Buffer = gzip ? gzipSync(text) : Buffer.from(text, 'utf8');
    if (take('wxpay', 'corrupt_file', date)) bytes = corrupt(bytes);
    return {
      status: 200,
      contentType: gzip ? 'application/x-gzip' : 'text/plain; charset=utf-8',
      body: '',
      bytes,
    };
  }

  /** The gateway method (alipay-protocol.ts signs its answer). */
  function alipayDownloadUrl(
    biz: Readonly<Record<string, unknown>>,
    host: string,
    authAppId?: string,
  ): Response {
    const date = typeof biz.bill_date === 'string' ? biz.bill_date : '';
    if (biz.bill_type !== 'trade')
      return {
        code: '40004',
        msg: 'Business Failed',
        sub_code: 'isp.invalid_bill_type',
        sub_msg: 'the sandbox serves bill_type=trade',
      };
    if (!validDate(date))
      return {
        code: '40002',
        msg: 'Invalid Arguments',
        sub_code: 'isv.invalid-parameter',
        sub_msg: 'bill_date must be yyyy-MM-dd',
      };
    if (take('alipay', 'not_ready', date))
      return { code: '40004', msg: 'Business Failed', sub_code: 'isp.bill_not_exist', sub_msg: '账单不存在' };
    const token = randomBytes(16).toString('hex');
    links.set(token, { date, expiresAt: ledger.clock.now() + URL_VALID_MS, authAppId });
    const compact = date.replaceAll('-', '');
    const name = `${SANDBOX_ALIPAY_PID}0156_${compact}.csv.zip`;
    const query = new URLSearchParams({
      bizType: 'trade',
      userId: `${SANDBOX_ALIPAY_PID}0156`,
      fileType: 'csv.zip',
      bizDates: compact,
      downloadFileName: name,
      timestamp: String(Math.floor(ledger.clock.now() / 1000)),
      token,
    });
    return {
      code: '10000',
      msg: 'Success',
      bill_download_url: `http://${host}/alipay/downloadBillFile.resource?${query}`,
    };
  }

  function alipayDownload(request: SandboxRequest): SandboxReply {
    const link = links.get(request.query.get('token') ?? '');
    const expired = !link || ledger.clock.now() > link.expiresAt || take('alipay', 'expired_url', link.date);
    if (expired || !link) {
      return { status: 200, contentType: 'text/html; charset=utf-8', body: '下载超时,请重新下载' };
    }
    links.delete(request.query.get('token') ?? '');
    const lines = billLines(ledger.allTrades(), 'alipay', link.date, adjustments()).filter(
      (line) => line.trade.echo.auth_app_id === link.authAppId,
    );
    let bytes: Buffer = Buffer.from(alipayBillZip(lines, link.date, SANDBOX_ALIPAY_PID));
    if (take('alipay', 'corrupt_file', link.date)) bytes = corrupt(bytes);
    return { status: 200, contentType: 'application/oct-stream', body: '', bytes };
  }

  function control(request: SandboxRequest): SandboxReply {
    if (request.method === 'DELETE') {
      state.counted.clear();
      state.omitted.clear();
      state.amounts.clear();
      return json(200, { ok: true });
    }
    if (request.method !== 'POST') return json(405, { error: 'use POST or DELETE' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return json(400, { error: 'bad_request', message: 'the body is not JSON' });
    }
    const provider = body.provider;
    if (provider !== 'wxpay' && provider !== 'alipay' && provider !== 'wxpay_v3')
      return json(400, { error: 'bad_request', message: 'provider must be wxpay, alipay or wxpay_v3' });
    const kind = body.kind;
    if (kind === 'omit_trade' || kind === 'amount') {
      const outTradeNo = body.out_trade_no;
      if (typeof outTradeNo !== 'string' || outTradeNo === '')
        return json(400, { error: 'bad_request', message: `${kind} needs out_trade_no` });
      if (kind === 'omit_trade') state.omitted.add(outTradeNo);
      else {
        const fee = body.total_fee;
        if (typeof fee !== 'number' || !Number.isSafeInteger(fee) || fee <= 0)
          return json(400, {
            error: 'bad_request',
            message: 'amount needs total_fee, a positive integer in fen',
          });
        state.amounts.set(outTradeNo, fee);
      }
      return json(200, { ok: true });
    }
    if (!COUNTED.includes(kind as CountedFault))
      return json(400, {
        error: 'bad_request',
        message: `kind must be one of ${[...COUNTED, 'omit_trade', 'amount'].join(', ')}`,
      });
    const date = body.date === undefined ? '*' : String(body.date);
    if (date !== '*' && !validDate(date))
      return json(400, { error: 'bad_request', message: 'date must be YYYY-MM-DD' });
    const times = body.times === undefined ? 1 : Number(body.times);
    if (!Number.isSafeInteger(times) || times < 1 || times > 1000)
      return json(400, { error: 'bad_request', message: 'times must be an integer 1..1000' });
    state.counted.set(`${provider}|${kind}|${date}`, times);
    return json(200, { ok: true });
  }

  /** The same fault state for the APIv3 bill, served by the v3 protocol handler. */
  const v3Faults: V3BillFaults = {
    take: (kind, date) => take('wxpay_v3', kind, date),
    adjustments,
    corrupt,
  };

  return { wxpayDownload, alipayDownloadUrl, alipayDownload, control, v3Faults };
}
