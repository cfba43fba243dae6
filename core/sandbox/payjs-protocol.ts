/**
 * PAYJS as the sandbox speaks it (docs/protocols.md §5): POST form or JSON to /payjs/api/<name>, JSON
 * replies signed like WeChat v2 MD5 with the PAYJS key (every non-empty field, numbers as their
 * decimal text, "0" included: the PHP SDK's habit of dropping "0" is a bug clients must not copy).
 * return_code 1 = ok, 0 = failed with return_msg (and msg). Every reply is signed, failures included.
 *
 * Replies carry only the fields help.payjs.cn lists for each call:
 * - micropay: return_code, return_msg, payjs_order_id, out_trade_no, total_fee (no status,
 *   transaction_id or time_end). What PAYJS answers while the customer types the password is not
 *   documented: the sandbox answers return_code 0 with the order's payjs_order_id, which a client
 *   must treat as "unknown, check it".
 * - check, close, reverse, refund find the order by payjs_order_id only, as documented; a request
 *   without one answers 订单不存在.
 * - reverse: return_code, return_msg, payjs_order_id. refund: return_code, return_msg,
 *   payjs_order_id, out_trade_no, transaction_id, and refund=1 when it was already refunded.
 * refund is a full refund of what is left (PAYJS documents no partial amount); repeating it is
 * idempotent (the refund number is the payjs_order_id).
 */
import { v2Sign, v2Verify } from '../gateways/shared/v2-sign.ts';
import { wechatTime } from './china-time.ts';
import type { SandboxReply, SandboxRequest } from './http-server.ts';
import type { CodePayResult, SandboxLedger, Trade } from './ledger.ts';
import { wxpayCodeUrl } from './qr-urls.ts';
import { isOutTradeNo, missingField, parseJsonObject, parsePositiveFenText } from './request-fields.ts';

export interface PayjsMerchant {
  readonly mchid: string;
  readonly key: string;
}

type Params = Readonly<Record<string, string>>;
type Fields = Record<string, string | number | undefined>;

const JSON_TYPE = 'application/json; charset=utf-8';
const WXPAY_CODE = /^1[0-5]\d{16}$/;
const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

function readParams(request: SandboxRequest): Params | undefined {
  const type = String(request.headers['content-type'] ?? '');
  const body = request.body.trim();
  const params: Record<string, string> = {};
  if (type.includes('application/json')) {
    const parsed = parseJsonObject(body);
    if (!parsed) return undefined;
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v === 'string') params[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') params[k] = String(v);
      else if (v !== null && v !== undefined) return undefined;
    }
    return params;
  }
  for (const [k, v] of new URLSearchParams(body)) params[k] = v;
  return params;
}

function paidTime(trade: Trade): string | undefined {
  if (trade.paid_at_ms === undefined) return undefined;
  return wechatTime(trade.paid_at_ms).replace(
    /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/,
    '$1-$2-$3 $4:$5:$6',
  );
}

export function createPayjsHandler(ledger: SandboxLedger, merchant: PayjsMerchant) {
  function reply(fields: Fields, status = 200): SandboxReply {
    const clean: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') clean[k] = v;
    const sign = v2Sign(clean, merchant.key, 'MD5');
    const forged = v2Sign({ ...clean, forged: 'yes' }, merchant.key, 'MD5');
    return {
      status,
      contentType: JSON_TYPE,
      body: JSON.stringify({ ...clean, sign }),
      badSignatureBody: JSON.stringify({ ...clean, sign: forged }),
    };
  }

  function fail(message: string, extra: Fields = {}): SandboxReply {
    return reply({ return_code: 0, return_msg: message, msg: message, ...extra });
  }

  /** By payjs_order_id only: real PAYJS documents no lookup by out_trade_no. */
  function findTrade(params: Params): Trade | undefined {
    if (params.payjs_order_id) return ledger.findByProviderOrderId('payjs', params.payjs_order_id);
    return undefined;
  }

  function orderFields(trade: Trade): Fields {
    return {
      payjs_order_id: trade.provider_order_id,
      out_trade_no: trade.out_trade_no,
      total_fee: trade.total_fee,
    };
  }

  function micropay(params: Params): SandboxReply {
    const missing = missingField(params, ['total_fee', 'out_trade_no', 'body', 'auth_code']);
    if (missing) return fail(`缺少参数: ${missing}`);
    const totalFee = parsePositiveFenText(params.total_fee);
    if (totalFee === undefined) return fail('total_fee must be a positive integer of fen');
    if (!isOutTradeNo(params.out_trade_no)) return fail('out_trade_no must be 1-32 letters, digits or _-|*@');
    if (!WXPAY_CODE.test(params.auth_code ?? ''))
      return fail('付款码无效：PAYJS 仅支持微信付款码 (18 digits starting 10-15)');
    const result = ledger.payWithCode({
      provider: 'payjs',
      outTradeNo: params.out_trade_no,
      totalFee,
      authCode: params.auth_code ?? '',
      subject: params.body ?? '',
      echo: params.attach ? { attach: params.attach } : {},
    });
    return micropayReply(result, totalFee);
  }

  function micropayReply(result: CodePayResult, totalFee: number): SandboxReply {
    switch (result.kind) {
      case 'paid':
        return reply({ return_code: 1, return_msg: 'SUCCESS', ...orderFields(result.trade) });
      case 'awaiting_password':
        return fail('需要用户输入支付密码', orderFields(result.trade));
      case 'system_error':
        return fail('系统错误，请查询订单状态', orderFields(result.trade));
      case 'insufficient_funds':
        return fail('用户余额不足', orderFields(result.trade));
      case 'code_expired':
        return fail('付款码已过期');
      case 'code_invalid':
        return fail(result.reason === 'already_used' ? '付款码已使用' : '付款码无效');
      case 'duplicate': {
        const t = result.trade;
        if (t.captured_fen > 0 && t.state !== 'reversed') return fail('订单已支付', orderFields(t));
        if (t.state === 'closed' || t.state === 'reversed') return fail('订单已关闭', orderFields(t));
        if (!result.sameCode || t.total_fee !== totalFee) return fail('商户订单号重复');
        if (t.state === 'awaiting_password') return fail('用户支付中', orderFields(t));
        return fail('支付失败', orderFields(t));
      }
    }
  }

  function check(params: Params): SandboxReply {
    const t = findTrade(params);
    if (!t) return fail('订单不存在');
    const paid = t.captured_fen > 0 && t.state === 'paid';
    return reply({
      return_code: 1,
      return_msg: 'SUCCESS',
      mchid: merchant.mchid,
      ...orderFields(t),
      status: paid ? 1 : 0,
      transaction_id: t.captured_fen > 0 ? t.transaction_id : undefined,
      paid_time: paidTime(t),
      openid: t.captured_fen > 0 ? t.buyer_id : undefined,
      attach: t.echo.attach,
    });
  }

  function close(params: Params): SandboxReply {
    const t = findTrade(params);
    if (!t) return fail('订单不存在');
    const result = ledger.close('payjs', t.out_trade_no);
    if (result.kind === 'paid') return fail('订单已支付，不能关闭', { payjs_order_id: t.provider_order_id });
    return reply({ return_code: 1, return_msg: 'SUCCESS', payjs_order_id: t.provider_order_id });
  }

  function reverse(params: Params): SandboxReply {
    const t = findTrade(params);
    if (!t) return fail('订单不存在');
    if (ledger.clock.now() - t.created_at_ms > SEVEN_DAYS_MS) return fail('订单已超过7天，不能撤销');
    ledger.reverse('payjs', t.out_trade_no);
    return reply({ return_code: 1, return_msg: 'SUCCESS', payjs_order_id: t.provider_order_id });
  }

  function refund(params: Params): SandboxReply {
    const t = findTrade(params);
    if (!t) return fail('订单不存在');
    const previous = t.refunds.find((r) => r.out_refund_no === t.provider_order_id);
    const amount = previous ? previous.refund_fee : t.captured_fen - t.refunded_fen;
    if (t.captured_fen === 0) return fail('订单未支付，无法退款');
    if (amount <= 0) return fail('订单已全额退款');
    const result = ledger.refund({
      provider: 'payjs',
      outTradeNo: t.out_trade_no,
      outRefundNo: t.provider_order_id,
      refundFee: amount,
    });
    if (result.kind !== 'refunded') return fail('退款失败');
    return reply({
      return_code: 1,
      return_msg: 'SUCCESS',
      payjs_order_id: t.provider_order_id,
      out_trade_no: t.out_trade_no,
      transaction_id: t.transaction_id,
      refund: previous ? 1 : undefined,
    });
  }

  function native(params: Params): SandboxReply {
    const missing = missingField(params, ['total_fee', 'out_trade_no']);
    if (missing) return fail(`缺少参数: ${missing}`);
    const totalFee = parsePositiveFenText(params.total_fee);
    if (totalFee === undefined) return fail('total_fee must be a positive integer of fen');
    if (!isOutTradeNo(params.out_trade_no)) return fail('out_trade_no must be 1-32 letters, digits or _-|*@');
    const result = ledger.createQrOrder({
      provider: 'payjs',
      outTradeNo: params.out_trade_no,
      totalFee,
      subject: params.body ?? '',
      ...(params.notify_url ? { notifyUrl: params.notify_url } : {}),
      echo: params.attach ? { attach: params.attach } : {},
    });
    if (result.kind === 'duplicate') return fail('商户订单号重复');
    const codeUrl = wxpayCodeUrl(result.token);
    return reply({
      return_code: 1,
      return_msg: 'SUCCESS',
      ...orderFields(result.trade),
      code_url: codeUrl,
      qrcode: codeUrl,
    });
  }

  /** `mchid`: whether PAYJS requires the merchant number (order-number endpoints only need payjs_order_id). */
  const ENDPOINTS: Readonly<
    Record<string, { readonly mchid: boolean; readonly run: (params: Params) => SandboxReply }>
  > = {
    '/payjs/api/micropay': { mchid: true, run: micropay },
    '/payjs/api/check': { mchid: false, run: check },
    '/payjs/api/close': { mchid: false, run: close },
    '/payjs/api/reverse': { mchid: false, run: reverse },
    '/payjs/api/refund': { mchid: false, run: refund },
    '/payjs/api/native': { mchid: true, run: native },
  };

  return function handlePayjs(request: SandboxRequest): SandboxReply {
    const endpoint = ENDPOINTS[request.path];
    if (!endpoint) return { ...fail(`no such PAYJS endpoint: ${request.path}`), status: 404 };
    if (request.method !== 'POST') return fail('请使用 POST');
    const params = readParams(request);
    if (!params) return fail('请求格式错误: the body must be a form or a flat JSON object');
    if (!params.sign) return fail('缺少参数: sign');
    if (params.mchid !== undefined && params.mchid !== merchant.mchid) return fail('商户号不存在');
    if (!v2Verify(params, merchant.key, 'MD5')) return fail('签名错误');
    if (endpoint.mchid && !params.mchid) return fail('缺少参数: mchid');
    return endpoint.run(params);
  };
}
