/**
 * WeChat Pay API v2 as the sandbox speaks it (docs/protocols.md §2): XML in, XML out, every request's sign
 * checked with the shared v2-sign (MD5 or HMAC-SHA256 per sign_type) and every SUCCESS reply signed
 * the same way. Like the real service, a return_code=FAIL reply (malformed or badly signed request)
 * carries no sign. /secapi/* needs the sandbox-issued client certificate (the TLS server); the plain
 * server answers it with return_code=FAIL.
 *
 * Choices where the documentation is silent, so clients see them stated once:
 * - closeorder on an order younger than 5 minutes answers result_code=FAIL, err_code=SYSTEMERROR with
 *   the documented sentence (the docs give the rule but no code); try again later is the right reaction.
 * - Resending a micropay for an out_trade_no that exists answers ORDERPAID when it was paid,
 *   ORDERCLOSED / ORDERREVERSED when it ended, USERPAYING while the same code is still being
 *   confirmed, and OUT_TRADE_NO_USED for any other code or amount.
 * - unifiedorder's time_expire is honoured: a scan after it is refused ("this QR code has expired")
 *   and the order stays NOTPAY until closed; a time_expire not in yyyyMMddHHmmss is PARAM_ERROR.
 * - reverse always answers recall=N: the sandbox finishes a reversal at once. Orders older than
 *   7 days answer REVERSE_EXPIRE. The "not sooner than 15 s after micropay" rule is the client's to
 *   keep; the sandbox does not refuse an early reverse.
 */
import { randomBytes } from 'node:crypto';
import type { V2SignType } from '../gateways/shared/v2-sign.ts';
import { v2Verify } from '../gateways/shared/v2-sign.ts';
import { parseWechatTime, wechatTime } from './china-time.ts';
import type { SandboxReply, SandboxRequest } from './http-server.ts';
import type { CodePayResult, SandboxLedger, Trade } from './ledger.ts';
import { mulberry32 } from './prng.ts';
import { wxpayCodeUrl } from './qr-urls.ts';
import { isOutTradeNo, missingField, parsePositiveFenText } from './request-fields.ts';
import { ERROR_TEXT, paidFields, STATE_TEXT, tradeState } from './wxpay-trade-fields.ts';
import { buildWxpayXml, parseWxpayXml, signedWxpayXml, type WxpayXmlLayout } from './wxpay-xml.ts';

export interface WxpayMerchant {
  readonly appid: string;
  readonly mch_id: string;
  readonly key: string;
  /** The one sub-merchant this merchant serves as a service provider. */
  readonly sub_mch_id?: string;
}

type Params = Readonly<Record<string, string>>;
type Fields = Record<string, string | undefined>;

const XML = 'text/xml; charset=utf-8';
const FIVE_MINUTES_MS = 5 * 60 * 1000;
/** The fields micropay and unifiedorder both require (each adds its own last one). */
const ORDER_REQUIRED = ['body', 'out_trade_no', 'total_fee', 'spbill_create_ip'] as const;
const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;
const WXPAY_CODE = /^1[0-5]\d{16}$/;
/** Seed of the reply-layout stream: the same request sequence gets the same layouts on every run. */
const LAYOUT_SEED = 0x5eed_0a11;

export function failReply(message: string, status = 200, layout: WxpayXmlLayout = 'one_line'): SandboxReply {
  return {
    status,
    contentType: XML,
    body: buildWxpayXml({ return_code: 'FAIL', return_msg: message }, layout),
  };
}

const CERTIFICATE_REQUIRED =
  'certificate required: /secapi/* needs the client certificate (apiclient_cert) issued by the sandbox; call the https secapi_url with client_cert_pem/client_key_pem';

/** What a trade keeps of its request: attach, and the sub-merchant it was made for. */
function echoOf(params: Params): Record<string, string> {
  return {
    ...(params.attach ? { attach: params.attach } : {}),
    ...(params.sub_mch_id ? { sub_mch_id: params.sub_mch_id } : {}),
  };
}

export function createWxpayHandler(ledger: SandboxLedger, merchant: WxpayMerchant) {
  // WeChat answers both laid out (newline + indentation) and on one line; half the replies each.
  const layoutRandom = mulberry32(LAYOUT_SEED);
  const nextLayout = (): WxpayXmlLayout => (layoutRandom() < 0.5 ? 'official' : 'one_line');
  const fail = (message: string, status = 200) => failReply(message, status, nextLayout());

  function business(params: Params, signType: V2SignType, fields: Fields): SandboxReply {
    const reply: Fields = {
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: params.appid,
      mch_id: params.mch_id,
      sub_appid: params.sub_appid,
      sub_mch_id: params.sub_mch_id,
      device_info: params.device_info,
      nonce_str: randomBytes(8).toString('hex'),
      ...fields,
    };
    const signed = signedWxpayXml(reply, merchant.key, signType, nextLayout());
    return { status: 200, contentType: XML, body: signed.body, badSignatureBody: signed.badSignatureBody };
  }

  function ok(params: Params, signType: V2SignType, fields: Fields): SandboxReply {
    return business(params, signType, { result_code: 'SUCCESS', ...fields });
  }

  function error(
    params: Params,
    signType: V2SignType,
    code: string,
    detail?: string,
    fields: Fields = {},
  ): SandboxReply {
    const text = ERROR_TEXT[code] ?? code;
    return business(params, signType, {
      result_code: 'FAIL',
      err_code: code,
      err_code_des: detail ? `${text}: ${detail}` : text,
      ...fields,
    });
  }

  function findTrade(params: Params): Trade | undefined {
    if (params.out_trade_no) return ledger.find('wxpay', params.out_trade_no);
    if (params.transaction_id) return ledger.findByTransactionId('wxpay', params.transaction_id);
    return undefined;
  }

  /** micropay's and unifiedorder's amount and order number, checked alike: both, or the error reply. */
  function orderFields(
    params: Params,
    signType: V2SignType,
  ): { readonly totalFee: number; readonly outTradeNo: string } | { readonly refused: SandboxReply } {
    const totalFee = parsePositiveFenText(params.total_fee);
    if (totalFee === undefined)
      return {
        refused: error(params, signType, 'PARAM_ERROR', 'total_fee must be a positive integer of fen'),
      };
    const outTradeNo = params.out_trade_no;
    if (!isOutTradeNo(outTradeNo)) {
      return {
        refused: error(params, signType, 'PARAM_ERROR', 'out_trade_no must be 1-32 letters, digits or _-|*@'),
      };
    }
    return { totalFee, outTradeNo };
  }

  function micropay(params: Params, signType: V2SignType): SandboxReply {
    const missing = missingField(params, [...ORDER_REQUIRED, 'auth_code']);
    if (missing) return fail(`missing required parameter: ${missing}`);
    const order = orderFields(params, signType);
    if ('refused' in order) return order.refused;
    const { totalFee, outTradeNo } = order;
    const authCode = params.auth_code ?? '';
    if (!WXPAY_CODE.test(authCode)) return error(params, signType, 'AUTH_CODE_INVALID');
    const result = ledger.payWithCode({
      provider: 'wxpay',
      outTradeNo,
      totalFee,
      authCode,
      subject: params.body ?? '',
      echo: echoOf(params),
    });
    return micropayReply(params, signType, result, totalFee);
  }

  function micropayReply(
    params: Params,
    signType: V2SignType,
    result: CodePayResult,
    totalFee: number,
  ): SandboxReply {
    switch (result.kind) {
      case 'paid':
        return ok(params, signType, paidFields(result.trade));
      case 'awaiting_password':
        return error(params, signType, 'USERPAYING');
      case 'system_error':
        return error(params, signType, 'SYSTEMERROR');
      case 'insufficient_funds':
        return error(params, signType, 'NOTENOUGH');
      case 'code_expired':
        return error(params, signType, 'AUTHCODEEXPIRE');
      case 'code_invalid':
        return result.reason === 'already_used'
          ? error(params, signType, 'AUTHCODEEXPIRE', 'this payment code was already used')
          : error(params, signType, 'AUTH_CODE_INVALID');
      case 'duplicate': {
        const trade = result.trade;
        if (trade.captured_fen > 0 && trade.state !== 'reversed') return error(params, signType, 'ORDERPAID');
        if (trade.state === 'reversed') return error(params, signType, 'ORDERREVERSED');
        if (trade.state === 'closed') return error(params, signType, 'ORDERCLOSED');
        if (!result.sameCode || trade.total_fee !== totalFee)
          return error(params, signType, 'OUT_TRADE_NO_USED');
        if (trade.state === 'awaiting_password') return error(params, signType, 'USERPAYING');
        if (trade.failure === 'customer_cancelled') return error(params, signType, 'TRADE_ERROR');
        return error(params, signType, 'NOTENOUGH');
      }
    }
  }

  function orderquery(params: Params, signType: V2SignType): SandboxReply {
    if (!params.out_trade_no && !params.transaction_id) {
      return fail('missing required parameter: out_trade_no or transaction_id');
    }
    const trade = findTrade(params);
    if (!trade) return error(params, signType, 'ORDERNOTEXIST');
    const state = tradeState(trade);
    const paid =
      trade.captured_fen > 0
        ? paidFields(trade)
        : { out_trade_no: trade.out_trade_no, attach: trade.echo.attach };
    return ok(params, signType, {
      ...paid,
      total_fee: String(trade.total_fee),
      trade_type: trade.mode === 'qr' ? 'NATIVE' : 'MICROPAY',
      trade_state: state,
      trade_state_desc: STATE_TEXT[state],
    });
  }

  function closeorder(params: Params, signType: V2SignType): SandboxReply {
    const missing = missingField(params, ['out_trade_no']);
    if (missing) return fail(`missing required parameter: ${missing}`);
    const trade = ledger.find('wxpay', params.out_trade_no ?? '');
    if (!trade) return error(params, signType, 'ORDERNOTEXIST');
    ledger.noteCloseCall('wxpay', trade.out_trade_no);
    if (ledger.clock.now() - trade.created_at_ms < FIVE_MINUTES_MS) {
      return error(
        params,
        signType,
        'SYSTEMERROR',
        '订单生成后不能马上调用关单接口，最短调用时间间隔为5分钟',
      );
    }
    const result = ledger.close('wxpay', trade.out_trade_no);
    switch (result.kind) {
      case 'closed':
        return ok(params, signType, { result_msg: 'OK' });
      case 'already_closed':
        return error(params, signType, result.trade.state === 'reversed' ? 'ORDERREVERSED' : 'ORDERCLOSED');
      case 'paid':
        return error(params, signType, 'ORDERPAID');
      case 'not_found':
        return error(params, signType, 'ORDERNOTEXIST');
    }
  }

  function unifiedorder(params: Params, signType: V2SignType): SandboxReply {
    const missing = missingField(params, [...ORDER_REQUIRED, 'trade_type']);
    if (missing) return fail(`missing required parameter: ${missing}`);
    if (params.trade_type !== 'NATIVE') {
      return error(params, signType, 'PARAM_ERROR', 'the sandbox supports trade_type=NATIVE only');
    }
    if (!params.product_id)
      return error(params, signType, 'PARAM_ERROR', 'product_id is required for trade_type=NATIVE');
    const order = orderFields(params, signType);
    if ('refused' in order) return order.refused;
    const { totalFee, outTradeNo } = order;
    const expiresAtMs = params.time_expire ? parseWechatTime(params.time_expire) : undefined;
    if (params.time_expire && expiresAtMs === undefined)
      return error(params, signType, 'PARAM_ERROR', 'time_expire must be yyyyMMddHHmmss (Beijing time)');
    const result = ledger.createQrOrder({
      provider: 'wxpay',
      outTradeNo,
      totalFee,
      subject: params.body ?? '',
      ...(params.notify_url ? { notifyUrl: params.notify_url } : {}),
      ...(expiresAtMs === undefined ? {} : { expiresAtMs }),
      echo: echoOf(params),
    });
    if (result.kind === 'duplicate') {
      return error(params, signType, result.trade.captured_fen > 0 ? 'ORDERPAID' : 'OUT_TRADE_NO_USED');
    }
    return ok(params, signType, {
      trade_type: 'NATIVE',
      prepay_id: `wx${result.trade.provider_order_id}`,
      code_url: wxpayCodeUrl(result.token),
    });
  }

  function reverse(params: Params, signType: V2SignType): SandboxReply {
    if (!params.out_trade_no && !params.transaction_id) {
      return fail('missing required parameter: out_trade_no or transaction_id');
    }
    const trade = findTrade(params);
    if (!trade) return error(params, signType, 'ORDERNOTEXIST', undefined, { recall: 'N' });
    if (ledger.clock.now() - trade.created_at_ms > SEVEN_DAYS_MS) {
      return error(params, signType, 'REVERSE_EXPIRE', undefined, { recall: 'N' });
    }
    ledger.reverse('wxpay', trade.out_trade_no);
    return ok(params, signType, { recall: 'N' });
  }

  function refund(params: Params, signType: V2SignType): SandboxReply {
    const missing = missingField(params, ['out_refund_no', 'total_fee', 'refund_fee']);
    if (missing) return fail(`missing required parameter: ${missing}`);
    if (!params.out_trade_no && !params.transaction_id) {
      return fail('missing required parameter: out_trade_no or transaction_id');
    }
    const totalFee = parsePositiveFenText(params.total_fee);
    const refundFee = parsePositiveFenText(params.refund_fee);
    if (totalFee === undefined || refundFee === undefined) {
      return error(
        params,
        signType,
        'PARAM_ERROR',
        'total_fee and refund_fee must be positive integers of fen',
      );
    }
    if (!isOutTradeNo(params.out_refund_no, 64)) {
      return error(params, signType, 'PARAM_ERROR', 'out_refund_no must be 1-64 letters, digits or _-|*@');
    }
    const trade = findTrade(params);
    if (!trade) return error(params, signType, 'ORDERNOTEXIST');
    if (trade.total_fee !== totalFee) {
      return error(params, signType, 'PARAM_ERROR', `total_fee ${totalFee} is not the order's amount`);
    }
    const result = ledger.refund({
      provider: 'wxpay',
      outTradeNo: trade.out_trade_no,
      outRefundNo: params.out_refund_no,
      refundFee,
    });
    switch (result.kind) {
      case 'refunded':
        return ok(params, signType, {
          transaction_id: result.trade.transaction_id,
          out_trade_no: result.trade.out_trade_no,
          out_refund_no: result.refund.out_refund_no,
          refund_id: result.refund.refund_id,
          refund_fee: String(result.refund.refund_fee),
          total_fee: String(result.trade.total_fee),
          cash_fee: String(result.trade.total_fee),
          cash_refund_fee: String(result.refund.refund_fee),
        });
      case 'not_found':
        return error(params, signType, 'ORDERNOTEXIST');
      case 'not_paid':
        return error(params, signType, 'ERROR', 'the order was not paid: nothing to refund');
      case 'exceeds':
        return error(
          params,
          signType,
          'ERROR',
          `refund exceeds the refundable amount (${result.availableFen} fen left)`,
        );
      case 'refund_no_conflict':
        return error(params, signType, 'ERROR', 'out_refund_no was already used for another refund');
    }
  }

  function refundquery(params: Params, signType: V2SignType): SandboxReply {
    let trade: Trade | undefined;
    if (params.out_refund_no) trade = ledger.findByRefundNo('wxpay', params.out_refund_no);
    else if (params.out_trade_no || params.transaction_id) trade = findTrade(params);
    else return fail('missing required parameter: out_trade_no, transaction_id or out_refund_no');
    if (!trade) return error(params, signType, 'REFUNDNOTEXIST');
    const refunds = params.out_refund_no
      ? trade.refunds.filter((r) => r.out_refund_no === params.out_refund_no)
      : trade.refunds;
    if (refunds.length === 0) return error(params, signType, 'REFUNDNOTEXIST');
    const fields: Fields = {
      transaction_id: trade.transaction_id,
      out_trade_no: trade.out_trade_no,
      total_fee: String(trade.total_fee),
      cash_fee: String(trade.total_fee),
      refund_count: String(refunds.length),
    };
    refunds.forEach((r, n) => {
      fields[`out_refund_no_${n}`] = r.out_refund_no;
      fields[`refund_id_${n}`] = r.refund_id;
      fields[`refund_fee_${n}`] = String(r.refund_fee);
      fields[`refund_status_${n}`] = r.state;
      fields[`refund_success_time_${n}`] = wechatTime(r.created_at_ms).replace(
        /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/,
        '$1-$2-$3 $4:$5:$6',
      );
    });
    return ok(params, signType, fields);
  }

  const ENDPOINTS: Readonly<
    Record<string, { secapi: boolean; run: (p: Params, s: V2SignType) => SandboxReply }>
  > = {
    '/wxpay/pay/micropay': { secapi: false, run: micropay },
    '/wxpay/pay/orderquery': { secapi: false, run: orderquery },
    '/wxpay/pay/closeorder': { secapi: false, run: closeorder },
    '/wxpay/pay/refundquery': { secapi: false, run: refundquery },
    '/wxpay/pay/unifiedorder': { secapi: false, run: unifiedorder },
    '/wxpay/secapi/pay/reverse': { secapi: true, run: reverse },
    '/wxpay/secapi/pay/refund': { secapi: true, run: refund },
  };

  return function handleWxpay(request: SandboxRequest): SandboxReply {
    const endpoint = ENDPOINTS[request.path];
    if (!endpoint) return failReply(`no such WeChat Pay endpoint: ${request.path}`, 404);
    if (endpoint.secapi && !request.clientCertificateOk) return fail(CERTIFICATE_REQUIRED);
    if (request.method !== 'POST') return fail('REQUIRE_POST_METHOD: 请使用post方法');
    const parsed = parseWxpayXml(request.body);
    if (!parsed.ok) return fail(`XML_FORMAT_ERROR: ${parsed.error}`);
    const params = parsed.params;
    const signType = params.sign_type ?? 'MD5';
    if (signType !== 'MD5' && signType !== 'HMAC-SHA256') return fail('sign_type must be MD5 or HMAC-SHA256');
    const missing = missingField(params, ['appid', 'mch_id', 'nonce_str', 'sign']);
    if (missing) return fail(`missing required parameter: ${missing}`);
    if ((params.nonce_str ?? '').length > 32) return fail('nonce_str must be at most 32 characters');
    if (params.mch_id !== merchant.mch_id)
      return fail('MCHID_NOT_EXIST: mch_id does not exist in the sandbox');
    if (!v2Verify(params, merchant.key, signType))
      return fail('签名错误 (SIGNERROR): the sign does not match the parameters');
    if (params.appid !== merchant.appid) return error(params, signType, 'APPID_MCHID_NOT_MATCH');
    // A sub-merchant the service provider does not serve (no 受理关系): refused, nothing runs.
    if (params.sub_mch_id !== undefined && params.sub_mch_id !== merchant.sub_mch_id)
      return error(
        params,
        signType,
        'NOAUTH',
        `sub_mch_id ${params.sub_mch_id} is not served by ${merchant.mch_id}`,
      );
    return endpoint.run(params, signType);
  };
}
