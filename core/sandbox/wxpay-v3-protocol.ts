/**
 * WeChat Pay APIv3 as the sandbox speaks it (docs/protocols.md §3), under `<url>/wxpay/v3/...` beside
 * v2 as the live host serves both. Every request's Authorization is verified over the path exactly as
 * received (401 SIGN_ERROR otherwise) with the merchant API certificate; every reply is signed with
 * the sandbox "WeChat Pay public key" (Wechatpay-Serial = its PUB_KEY_ID_…). Trades live in the shared
 * ledger under provider `wxpay_v3`. Service-provider calls (/v3/pay/partner/transactions/..., and
 * refunds naming sub_mchid) are the same operations for the sandbox's sub-merchant: which account a
 * request names, and whether that sub-merchant belongs to the service provider, is
 * wxpay-v3-accounts.ts.
 *
 * `POST /_sandbox/wxpay-v3/signer {"signer": "public_key" | "platform_certificate" | "alternate"}`
 * chooses the reply signer (default public_key); `alternate` switches on every reply, as WeChat does
 * while it moves a merchant from platform certificates to the public key.
 *
 * Signature timestamps (replies, and the 5-minute check of requests) use the real clock, not the
 * ledger's advanceable one: advancing the sandbox moves business time (code expiry, the 7-day reverse
 * limit), while clock skew between client and WeChat is a separate matter.
 *
 * Choices where the documentation is silent, stated once: codepay while the customer confirms answers
 * 202 {code: USERPAYING}; reverse answers 200 with the order's ids and finishes at once (v3 has no
 * `recall`); close is not held back by v2's 5-minute rule.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import {
  parseV3Authorization,
  v3Nonce,
  v3ReplyMessage,
  v3RequestMessage,
  v3Sign,
  v3Verify,
} from '../gateways/shared/v3-sign.ts';
import type { V3BillFaults } from './bill-routes.ts';
import type { SandboxReply, SandboxRequest } from './http-server.ts';
import type { CodePayResult, SandboxLedger, Trade } from './ledger.ts';
import { wxpayCodeUrl } from './qr-urls.ts';
import { isOutTradeNo } from './request-fields.ts';
import type { SandboxCredentials } from './sandbox-credentials.ts';
import {
  type AccountReading,
  accountEcho,
  accountJson,
  readPartnerAccount,
  readRefundAccount,
  sameAccount,
  type V3Account,
} from './wxpay-v3-accounts.ts';
import { createWxpayV3Bills } from './wxpay-v3-bills.ts';
import { chinaRfc3339, wxpayV3TradeJson } from './wxpay-v3-trade-json.ts';

export { wxpayV3Notification, wxpayV3TradeJson } from './wxpay-v3-trade-json.ts';

const JSON_TYPE = 'application/json; charset=utf-8';
const WXPAY_CODE = /^1[0-5]\d{16}$/;
const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;
const PROVIDER = 'wxpay_v3';

type Json = Record<string, unknown>;
type Signer = 'public_key' | 'platform_certificate' | 'alternate';
const SIGNERS: readonly Signer[] = ['public_key', 'platform_certificate', 'alternate'];

export interface WxpayV3SandboxKeys {
  readonly merchant: SandboxCredentials['wxpay_v3'];
  /** PEM of the key pair whose public half is `merchant.public_key`. */
  readonly signingKey: string;
  /** PEM of the key of `merchant.platform_certificate`. */
  readonly platformKey: string;
  /** The merchant API certificate: verifies request signatures. */
  readonly merchantCert: string;
  /** The sandbox's bill faults, shared with the v2 and Alipay bills (bill-routes.ts). */
  readonly billFaults?: V3BillFaults;
}

function fenOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function record(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

export function createWxpayV3Handler(ledger: SandboxLedger, keys: WxpayV3SandboxKeys) {
  const merchant = keys.merchant;
  const merchantKey = new X509Certificate(keys.merchantCert).publicKey;
  const merchantSerial = new X509Certificate(keys.merchantCert).serialNumber.toUpperCase();
  createPublicKey(merchant.public_key); // fail at start, not at the first reply, on a broken key file
  const platformSerial = new X509Certificate(merchant.platform_certificate).serialNumber.toUpperCase();
  const bills = createWxpayV3Bills(ledger, merchant, keys.billFaults);
  let signer: Signer = 'public_key';
  let replies = 0;

  function replySigner(): { serial: string; key: string } {
    replies += 1;
    const usePlatform = signer === 'platform_certificate' || (signer === 'alternate' && replies % 2 === 0);
    return usePlatform
      ? { serial: platformSerial, key: keys.platformKey }
      : { serial: merchant.public_key_id, key: keys.signingKey };
  }

  function reply(status: number, body: Json | undefined): SandboxReply {
    const text = body === undefined ? '' : JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = v3Nonce();
    const by = replySigner();
    const signature = v3Sign(v3ReplyMessage(timestamp, nonce, text), by.key);
    return {
      status,
      contentType: JSON_TYPE,
      body: text,
      headers: {
        'wechatpay-serial': by.serial,
        'wechatpay-signature': signature,
        'wechatpay-timestamp': timestamp,
        'wechatpay-nonce': nonce,
        'request-id': v3Nonce(),
      },
      // Same headers, different body: the signature no longer covers what arrives.
      badSignatureBody: body === undefined ? ' ' : JSON.stringify({ ...body, tampered: true }),
    };
  }

  const error = (status: number, code: string, message: string) => reply(status, { code, message });

  function codepayReply(result: CodePayResult, totalFee: number): SandboxReply {
    switch (result.kind) {
      case 'paid':
        return reply(200, wxpayV3TradeJson(result.trade, merchant));
      case 'awaiting_password':
        return error(202, 'USERPAYING', '用户支付中，需要输入密码');
      case 'system_error':
        return error(500, 'SYSTEM_ERROR', '系统错误');
      case 'insufficient_funds':
        return error(403, 'NOT_ENOUGH', '用户账号余额不足');
      case 'code_expired':
        return error(400, 'AUTH_CODE_EXPIRE', '付款码已过期');
      case 'code_invalid':
        return error(400, 'AUTH_CODE_INVALID', '付款码无效');
      case 'duplicate': {
        const trade = result.trade;
        if (trade.captured_fen > 0 && trade.state !== 'reversed')
          return error(403, 'ORDER_PAID', '订单已支付');
        if (trade.state === 'reversed') return error(403, 'ORDER_REVERSED', '订单已撤销');
        if (trade.state === 'closed') return error(403, 'ORDER_CLOSED', '订单已关闭');
        if (!result.sameCode || trade.total_fee !== totalFee)
          return error(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
        if (trade.state === 'awaiting_password') return error(202, 'USERPAYING', '用户支付中，需要输入密码');
        return error(403, 'TRADE_ERROR', '交易错误');
      }
    }
  }

  function codepay(body: Json, account: V3Account): SandboxReply {
    const totalFee = fenOf(record(body.amount).total);
    const outTradeNo = typeof body.out_trade_no === 'string' ? body.out_trade_no : '';
    const authCode = record(body.payer).auth_code;
    if (!account.sub_mchid && body.appid !== merchant.appid)
      return error(400, 'APPID_MCHID_NOT_MATCH', 'appid和mchid不匹配');
    if (typeof body.description !== 'string' || body.description === '')
      return error(400, 'PARAM_ERROR', 'description is required');
    if (totalFee === undefined)
      return error(400, 'PARAM_ERROR', 'amount.total must be a positive integer of fen');
    if (!isOutTradeNo(outTradeNo))
      return error(400, 'PARAM_ERROR', 'out_trade_no must be 1-32 letters, digits or _-|*@');
    if (typeof authCode !== 'string' || !WXPAY_CODE.test(authCode))
      return error(400, 'AUTH_CODE_INVALID', '付款码无效');
    const result = ledger.payWithCode({
      provider: PROVIDER,
      outTradeNo,
      totalFee,
      authCode,
      subject: body.description,
      echo: { ...accountEcho(account), ...(typeof body.attach === 'string' ? { attach: body.attach } : {}) },
    });
    return codepayReply(result, totalFee);
  }

  function native(body: Json, account: V3Account): SandboxReply {
    const totalFee = fenOf(record(body.amount).total);
    const outTradeNo = typeof body.out_trade_no === 'string' ? body.out_trade_no : '';
    if (!account.sub_mchid && body.appid !== merchant.appid)
      return error(400, 'APPID_MCHID_NOT_MATCH', 'appid和mchid不匹配');
    if (typeof body.notify_url !== 'string' || body.notify_url === '')
      return error(400, 'PARAM_ERROR', 'notify_url is required');
    if (totalFee === undefined)
      return error(400, 'PARAM_ERROR', 'amount.total must be a positive integer of fen');
    if (!isOutTradeNo(outTradeNo))
      return error(400, 'PARAM_ERROR', 'out_trade_no must be 1-32 letters, digits or _-|*@');
    const result = ledger.createQrOrder({
      provider: PROVIDER,
      outTradeNo,
      totalFee,
      subject: typeof body.description === 'string' ? body.description : '',
      notifyUrl: body.notify_url,
      echo: accountEcho(account),
    });
    if (result.kind === 'duplicate')
      return error(403, result.trade.captured_fen > 0 ? 'ORDER_PAID' : 'OUT_TRADE_NO_USED', '商户订单号重复');
    return reply(200, { code_url: wxpayCodeUrl(result.token) });
  }

  function orderAction(
    outTradeNo: string,
    action: string | undefined,
    method: string,
    account: V3Account,
  ): SandboxReply {
    const trade = ledger.find(PROVIDER, outTradeNo);
    if (!trade || !sameAccount(trade, account)) return error(404, 'ORDER_NOT_EXIST', '订单不存在');
    if (action === undefined && method === 'GET') return reply(200, wxpayV3TradeJson(trade, merchant));
    if (action === 'reverse' && method === 'POST') {
      if (ledger.clock.now() - trade.created_at_ms > SEVEN_DAYS_MS)
        return error(400, 'REVERSE_EXPIRE', '订单已经超过撤销时间');
      ledger.reverse(PROVIDER, outTradeNo);
      return reply(200, { ...accountJson(account, merchant), out_trade_no: outTradeNo });
    }
    if (action === 'close' && method === 'POST') {
      ledger.noteCloseCall(PROVIDER, outTradeNo);
      const result = ledger.close(PROVIDER, outTradeNo);
      if (result.kind === 'paid') return error(400, 'ORDER_PAID', '订单已支付');
      return reply(204, undefined);
    }
    return error(404, 'NOT_FOUND', 'no such v3 endpoint');
  }

  function refundJson(trade: Trade, outRefundNo: string): Json | undefined {
    const refund = trade.refunds.find((r) => r.out_refund_no === outRefundNo);
    if (!refund) return undefined;
    return {
      refund_id: refund.refund_id,
      out_refund_no: refund.out_refund_no,
      transaction_id: trade.transaction_id,
      out_trade_no: trade.out_trade_no,
      channel: 'ORIGINAL',
      status: refund.state,
      success_time: chinaRfc3339(refund.created_at_ms),
      create_time: chinaRfc3339(refund.created_at_ms),
      amount: {
        total: trade.total_fee,
        refund: refund.refund_fee,
        payer_total: trade.total_fee,
        payer_refund: refund.refund_fee,
        currency: 'CNY',
      },
    };
  }

  function refund(body: Json, account: V3Account): SandboxReply {
    const amount = record(body.amount);
    const refundFee = fenOf(amount.refund);
    const totalFee = fenOf(amount.total);
    const outTradeNo = typeof body.out_trade_no === 'string' ? body.out_trade_no : '';
    const outRefundNo = typeof body.out_refund_no === 'string' ? body.out_refund_no : '';
    if (refundFee === undefined || totalFee === undefined)
      return error(400, 'PARAM_ERROR', 'amount.refund and amount.total must be positive integers of fen');
    if (!isOutTradeNo(outRefundNo, 64))
      return error(400, 'PARAM_ERROR', 'out_refund_no must be 1-64 letters, digits or _-|*@');
    const trade = ledger.find(PROVIDER, outTradeNo);
    if (!trade || !sameAccount(trade, account)) return error(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    if (trade.total_fee !== totalFee)
      return error(400, 'PARAM_ERROR', `amount.total ${totalFee} is not the order's amount`);
    const result = ledger.refund({ provider: PROVIDER, outTradeNo, outRefundNo, refundFee });
    switch (result.kind) {
      case 'refunded':
        return reply(200, refundJson(result.trade, outRefundNo) ?? {});
      case 'not_found':
        return error(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
      case 'not_paid':
        return error(400, 'INVALID_REQUEST', '订单未支付');
      case 'exceeds':
        return error(403, 'NOT_ENOUGH', `退款金额超过可退金额 (${result.availableFen} fen left)`);
      case 'refund_no_conflict':
        return error(400, 'INVALID_REQUEST', 'out_refund_no was already used for another refund');
    }
  }

  function refundQuery(outRefundNo: string, account: V3Account): SandboxReply {
    const trade = ledger.findByRefundNo(PROVIDER, outRefundNo);
    const json = trade && sameAccount(trade, account) ? refundJson(trade, outRefundNo) : undefined;
    return json ? reply(200, json) : error(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
  }

  /** The signature check, over the path and query exactly as they arrived. */
  function signatureProblem(request: SandboxRequest, rawPathAndQuery: string): string | undefined {
    const auth = parseV3Authorization(
      typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined,
    );
    if (!auth) return 'Authorization is missing or not WECHATPAY2-SHA256-RSA2048';
    if (auth.mchid !== merchant.mchid) return 'mchid in Authorization is not the sandbox merchant';
    if (auth.serial_no.toUpperCase() !== merchantSerial)
      return 'serial_no is not the merchant API certificate';
    const seconds = Number(auth.timestamp);
    if (!Number.isFinite(seconds) || Math.abs(seconds * 1000 - Date.now()) > 5 * 60 * 1000)
      return 'timestamp more than 5 minutes off';
    const message = v3RequestMessage(
      request.method,
      rawPathAndQuery,
      auth.timestamp,
      auth.nonce_str,
      request.body,
    );
    return v3Verify(message, auth.signature, merchantKey) ? undefined : 'signature does not verify';
  }

  function setSigner(request: SandboxRequest): SandboxReply {
    let wanted: unknown;
    try {
      wanted = record(JSON.parse(request.body || '{}')).signer;
    } catch {
      wanted = undefined;
    }
    if (request.method !== 'POST' || !SIGNERS.includes(wanted as Signer)) {
      return {
        status: 400,
        contentType: JSON_TYPE,
        body: JSON.stringify({
          error: 'bad_request',
          message: `POST {"signer": one of ${SIGNERS.join(', ')}}`,
        }),
      };
    }
    signer = wanted as Signer;
    replies = 0;
    return { status: 200, contentType: JSON_TYPE, body: JSON.stringify({ ok: true, signer }) };
  }

  /** Which account the request names; undefined body/query fields read as absent. */
  function accountOf(request: SandboxRequest, path: string, partner: boolean, body: Json): AccountReading {
    const field = (name: string) =>
      request.method === 'GET' ? (request.query.get(name) ?? undefined) : body[name];
    if (path.startsWith('/v3/refund/')) return readRefundAccount(field('sub_mchid'), merchant);
    if (partner) {
      const appid = path.endsWith('/codepay') || path.endsWith('/native') ? 'required' : 'optional';
      const names = { sp_mchid: 0, sub_mchid: 0, sp_appid: 0, sub_appid: 0 };
      const fields = Object.fromEntries(Object.keys(names).map((n) => [n, field(n)])) as Record<
        keyof typeof names,
        unknown
      >;
      return readPartnerAccount(fields, merchant, appid);
    }
    if (field('mchid') !== merchant.mchid)
      return { ok: false, status: 400, code: 'PARAM_ERROR', message: 'mchid is not the sandbox merchant' };
    return { ok: true, account: {} };
  }

  function handle(request: SandboxRequest): SandboxReply {
    // What the client signed: the request target byte for byte as it arrived.
    const problem = signatureProblem(request, request.target);
    if (problem !== undefined) {
      return {
        status: 401,
        contentType: JSON_TYPE,
        body: JSON.stringify({ code: 'SIGN_ERROR', message: problem }),
      };
    }
    const asked = request.path.slice('/wxpay'.length);
    const partner = asked.startsWith('/v3/pay/partner/transactions/');
    // A partner call is the same operation as its direct twin, for the sub-merchant it names.
    const path = partner ? asked.replace('/v3/pay/partner/transactions/', '/v3/pay/transactions/') : asked;
    let body: Json = {};
    if (request.method === 'POST') {
      try {
        body = record(JSON.parse(request.body || '{}'));
      } catch {
        return error(400, 'PARAM_ERROR', 'body is not JSON');
      }
    }
    if (request.method === 'GET' && asked === '/v3/billdownload/file')
      return (
        bills.download(request.query.get('token')) ??
        error(404, 'RESOURCE_NOT_EXISTS', '下载地址无效或已使用')
      );
    if (request.method === 'GET' && asked === '/v3/bill/tradebill') {
      const billFor = readRefundAccount(request.query.get('sub_mchid') ?? undefined, merchant);
      if (!billFor.ok) return error(billFor.status, billFor.code, billFor.message);
      const host = typeof request.headers.host === 'string' ? request.headers.host : '127.0.0.1';
      const answer = bills.tradebill(request.query, billFor.account, host);
      return reply(answer.status, answer.body);
    }
    const known = /^\/v3\/(pay\/transactions|refund\/domestic\/refunds)(\/|$)/.test(path);
    if (!known) return error(404, 'NOT_FOUND', `no such WeChat Pay v3 endpoint: ${asked}`);
    const reading = accountOf(request, path, partner, body);
    if (!reading.ok) return error(reading.status, reading.code, reading.message);
    const account = reading.account;
    if (request.method === 'POST' && path === '/v3/pay/transactions/codepay') return codepay(body, account);
    if (request.method === 'POST' && path === '/v3/pay/transactions/native') return native(body, account);
    if (request.method === 'POST' && path === '/v3/refund/domestic/refunds') return refund(body, account);
    const refundMatch = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path);
    if (refundMatch && request.method === 'GET')
      return refundQuery(decodeURIComponent(refundMatch[1]!), account);
    const order = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(?:\/(reverse|close))?$/.exec(path);
    if (order) return orderAction(decodeURIComponent(order[1]!), order[2], request.method, account);
    return error(404, 'NOT_FOUND', `no such WeChat Pay v3 endpoint: ${asked}`);
  }

  return { handle, setSigner };
}
