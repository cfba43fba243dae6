/**
 * Alipay OpenAPI v2 (face-to-face) as the sandbox speaks it (docs/protocols.md §4). POST /alipay/gateway.do;
 * the common parameters may come in the query string and/or the form (or JSON) body, as alipay-sdk
 * splits them; biz_content is JSON. Every request's RSA2 sign is checked with the sandbox app public
 * key; every reply, errors included, is signed with the sandbox's own "alipay" key over the exact
 * `…_response` JSON text.
 *
 * cancel of an unknown trade answers 10000 with retry_flag=N and no action, as alipay.trade.cancel
 * documents (`action` only "when the call succeeds and the trade exists"; no ACQ.TRADE_NOT_EXIST
 * among its error codes). Choices where the documentation is silent: close / query of an unknown
 * trade answer 40004 ACQ.TRADE_NOT_EXIST; close of a closed trade succeeds again; refund without out_request_no
 * uses out_trade_no as the request number (so a repeat is idempotent, as Alipay documents for full
 * refunds); refund.query of an unknown refund answers 10000 without refund_status, as Alipay does;
 * cancel always answers retry_flag=N because the sandbox finishes at once. precreate honours
 * time_expire (or, without it, timeout_express): a scan after it is refused ("this QR code has expired").
 *
 * Service-provider (ISV) mode: the sandbox app is also an ISV authorised by one merchant
 * (`isv.authAppId`, token `isv.appAuthToken`). A request carrying another app_auth_token is refused
 * 20001 aop.invalid-app-auth-token; trades remember the merchant they were made for, and a request
 * for another merchant (or the ISV's own app) does not find them (40004 ACQ.TRADE_NOT_EXIST).
 */

import { fenToYuan } from '../common/money.ts';
import { type AlipayCertSerials, certSerialProblem } from './alipay-cert-sn.ts';
import {
  type Biz,
  MSG,
  type Params,
  parseAmount,
  type Response,
  readParams,
  sub,
  text,
} from './alipay-fields.ts';
import { alipaySigningString, rsa2Verify, signedAlipayReply } from './alipay-sign.ts';
import { afterTimeoutExpress, alipayTime, parseAlipayTime } from './china-time.ts';
import type { SandboxReply, SandboxRequest } from './http-server.ts';
import type { CodePayResult, SandboxLedger, Trade } from './ledger.ts';
import { alipayQrCode } from './qr-urls.ts';
import { isOutTradeNo } from './request-fields.ts';

export interface AlipayKeys {
  readonly appId: string;
  readonly appPublicKey: string;
  readonly platformPrivateKey: string;
  /** Certificate mode: the serials of the sandbox's app, root and Alipay certificates. */
  readonly certSerials: AlipayCertSerials;
  /** The merchant that authorised the sandbox app as its ISV, and the token it was given. */
  readonly isv: { readonly appAuthToken: string; readonly authAppId: string };
}

const JSON_TYPE = 'application/json; charset=utf-8';
const ALIPAY_CODE = /^(2[5-9]|30)\d{14,22}$/;

function buyerFields(trade: Trade): Response {
  return {
    buyer_logon_id: 'san***@sandbox.example',
    buyer_user_id: `2088${trade.buyer_id.replace(/\D/g, '').padEnd(12, '0').slice(0, 12)}`,
  };
}

/** Methods served outside this file (the bill download URL, bill-routes.ts), signed here like the rest. */
export type ExtraAlipayMethods = Readonly<
  Record<string, (biz: Biz, request: SandboxRequest, authAppId: string | undefined) => Response>
>;

export function createAlipayHandler(ledger: SandboxLedger, keys: AlipayKeys, extra: ExtraAlipayMethods = {}) {
  function reply(responseKey: string, response: Response, certificateMode = false): SandboxReply {
    const certSn = certificateMode ? keys.certSerials.alipayCertSn : undefined;
    const signed = signedAlipayReply(responseKey, response, keys.platformPrivateKey, certSn);
    return {
      status: 200,
      contentType: JSON_TYPE,
      body: signed.body,
      badSignatureBody: signed.badSignatureBody,
    };
  }

  /** The authorising merchant of the request being handled (ISV mode), else undefined. */
  let authAppId: string | undefined;
  const accountEcho = (): Record<string, string> => (authAppId ? { auth_app_id: authAppId } : {});

  function findTrade(biz: Biz): Trade | undefined {
    const outTradeNo = text(biz.out_trade_no);
    const tradeNo = text(biz.trade_no);
    const trade = outTradeNo
      ? ledger.find('alipay', outTradeNo)
      : tradeNo
        ? ledger.findByTransactionId('alipay', tradeNo)
        : undefined;
    return trade && trade.echo.auth_app_id === authAppId ? trade : undefined;
  }

  function ids(trade: Trade): Response {
    return { trade_no: trade.transaction_id, out_trade_no: trade.out_trade_no };
  }

  function pay(biz: Biz): Response {
    const outTradeNo = text(biz.out_trade_no);
    const authCode = text(biz.auth_code);
    const subject = text(biz.subject);
    if (!isOutTradeNo(outTradeNo, 64))
      return sub('40002', 'isv.invalid-parameter', 'out_trade_no (1-64 characters) is required');
    if (!authCode) return sub('40002', 'isv.invalid-parameter', 'auth_code is required');
    if (!subject) return sub('40002', 'isv.invalid-parameter', 'subject is required');
    if (biz.scene !== 'bar_code')
      return sub('40002', 'isv.invalid-parameter', 'the sandbox supports scene=bar_code only');
    const totalFee = parseAmount(biz.total_amount);
    if (totalFee === undefined)
      return sub('40002', 'isv.invalid-parameter', 'total_amount must be yuan with at most 2 decimals, > 0');
    if (!ALIPAY_CODE.test(authCode)) return sub('40004', 'ACQ.PAYMENT_AUTH_CODE_INVALID');
    const result = ledger.payWithCode({
      provider: 'alipay',
      outTradeNo,
      totalFee,
      authCode,
      subject,
      echo: accountEcho(),
    });
    return payResponse(result, totalFee);
  }

  function payResponse(result: CodePayResult, totalFee: number): Response {
    switch (result.kind) {
      case 'paid': {
        const t = result.trade;
        const amount = fenToYuan(t.total_fee);
        return {
          code: '10000',
          msg: MSG['10000'],
          ...ids(t),
          ...buyerFields(t),
          total_amount: amount,
          receipt_amount: amount,
          buyer_pay_amount: amount,
          invoice_amount: amount,
          gmt_payment: alipayTime(t.paid_at_ms ?? t.created_at_ms),
          fund_bill_list: [{ fund_channel: 'ALIPAYACCOUNT', amount }],
        };
      }
      case 'awaiting_password':
        return {
          code: '10003',
          msg: MSG['10003'],
          ...ids(result.trade),
          total_amount: fenToYuan(result.trade.total_fee),
        };
      case 'system_error':
        return sub('20000', 'isp.unknow-error');
      case 'insufficient_funds':
        return sub('40004', 'ACQ.BUYER_BALANCE_NOT_ENOUGH');
      case 'code_expired':
        return sub('40004', 'ACQ.PAYMENT_AUTH_CODE_INVALID', 'the payment code has expired');
      case 'code_invalid':
        return sub(
          '40004',
          'ACQ.PAYMENT_AUTH_CODE_INVALID',
          result.reason === 'already_used' ? 'the payment code was already used' : undefined,
        );
      case 'duplicate': {
        const t = result.trade;
        if (t.captured_fen > 0 && t.state !== 'reversed') return sub('40004', 'ACQ.TRADE_HAS_SUCCESS');
        if (t.state === 'closed' || t.state === 'reversed') return sub('40004', 'ACQ.TRADE_HAS_CLOSE');
        if (!result.sameCode || t.total_fee !== totalFee) return sub('40004', 'ACQ.CONTEXT_INCONSISTENT');
        if (t.state === 'awaiting_password')
          return { code: '10003', msg: MSG['10003'], ...ids(t), total_amount: fenToYuan(t.total_fee) };
        return sub('40004', 'ACQ.PAYMENT_FAIL');
      }
    }
  }

  function tradeStatus(trade: Trade): string {
    switch (trade.state) {
      case 'awaiting_payer':
      case 'awaiting_password':
        return 'WAIT_BUYER_PAY';
      case 'paid':
        return trade.refunded_fen >= trade.captured_fen ? 'TRADE_CLOSED' : 'TRADE_SUCCESS';
      case 'payment_failed':
      case 'closed':
      case 'reversed':
        return 'TRADE_CLOSED';
    }
  }

  function query(biz: Biz): Response {
    if (!text(biz.out_trade_no) && !text(biz.trade_no)) {
      return sub('40002', 'isv.invalid-parameter', 'out_trade_no or trade_no is required');
    }
    const t = findTrade(biz);
    if (!t) return sub('40004', 'ACQ.TRADE_NOT_EXIST');
    const response: Response = {
      code: '10000',
      msg: MSG['10000'],
      ...ids(t),
      trade_status: tradeStatus(t),
      total_amount: fenToYuan(t.total_fee),
    };
    if (t.captured_fen > 0) {
      Object.assign(response, buyerFields(t), {
        receipt_amount: fenToYuan(t.captured_fen),
        buyer_pay_amount: fenToYuan(t.captured_fen),
        send_pay_date: alipayTime(t.paid_at_ms ?? t.created_at_ms),
      });
    }
    return response;
  }

  function cancel(biz: Biz): Response {
    if (!text(biz.out_trade_no) && !text(biz.trade_no)) {
      return sub('40002', 'isv.invalid-parameter', 'out_trade_no or trade_no is required');
    }
    const t = findTrade(biz);
    const nothingToCancel: Response = {
      code: '10000',
      msg: MSG['10000'],
      ...(text(biz.out_trade_no) ? { out_trade_no: text(biz.out_trade_no) } : {}),
      retry_flag: 'N',
    };
    if (!t) return nothingToCancel;
    const result = ledger.reverse('alipay', t.out_trade_no);
    if (result.kind === 'not_found') return nothingToCancel;
    const response: Response = {
      code: '10000',
      msg: MSG['10000'],
      ...ids(t),
      retry_flag: 'N',
      action: result.action,
    };
    if (result.action === 'refund') {
      response.gmt_refund_pay = alipayTime(ledger.clock.now());
      response.refund_settlement_id = t.transaction_id;
    }
    return response;
  }

  function close(biz: Biz): Response {
    if (!text(biz.out_trade_no) && !text(biz.trade_no)) {
      return sub('40002', 'isv.invalid-parameter', 'out_trade_no or trade_no is required');
    }
    const t = findTrade(biz);
    if (!t) return sub('40004', 'ACQ.TRADE_NOT_EXIST');
    const result = ledger.close('alipay', t.out_trade_no);
    if (result.kind === 'paid')
      return sub('40004', 'ACQ.TRADE_STATUS_ERROR', 'the trade was paid: refund or cancel it instead');
    if (result.kind === 'not_found') return sub('40004', 'ACQ.TRADE_NOT_EXIST');
    return { code: '10000', msg: MSG['10000'], ...ids(t) };
  }

  function refund(biz: Biz): Response {
    if (!text(biz.out_trade_no) && !text(biz.trade_no)) {
      return sub('40002', 'isv.invalid-parameter', 'out_trade_no or trade_no is required');
    }
    const refundFee = parseAmount(biz.refund_amount);
    if (refundFee === undefined)
      return sub('40002', 'isv.invalid-parameter', 'refund_amount must be yuan with at most 2 decimals, > 0');
    const t = findTrade(biz);
    if (!t) return sub('40004', 'ACQ.TRADE_NOT_EXIST');
    const outRequestNo = text(biz.out_request_no) ?? t.out_trade_no;
    if (!isOutTradeNo(outRequestNo, 64))
      return sub('40002', 'isv.invalid-parameter', 'out_request_no must be 1-64 characters');
    const result = ledger.refund({
      provider: 'alipay',
      outTradeNo: t.out_trade_no,
      outRefundNo: outRequestNo,
      refundFee,
    });
    switch (result.kind) {
      case 'refunded':
        return {
          code: '10000',
          msg: MSG['10000'],
          ...ids(result.trade),
          ...buyerFields(result.trade),
          fund_change: result.duplicate ? 'N' : 'Y',
          refund_fee: fenToYuan(result.trade.refunded_fen),
          gmt_refund_pay: alipayTime(result.refund.created_at_ms),
        };
      case 'not_found':
        return sub('40004', 'ACQ.TRADE_NOT_EXIST');
      case 'not_paid':
        return sub('40004', 'ACQ.TRADE_STATUS_ERROR', 'the trade was not paid: nothing to refund');
      case 'exceeds':
        return sub(
          '40004',
          'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL',
          `${fenToYuan(result.availableFen)} yuan left to refund`,
        );
      case 'refund_no_conflict':
        return sub(
          '40004',
          'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL',
          'out_request_no was already used for a different refund',
        );
    }
  }

  function refundQuery(biz: Biz): Response {
    if (!text(biz.out_trade_no) && !text(biz.trade_no)) {
      return sub('40002', 'isv.invalid-parameter', 'out_trade_no or trade_no is required');
    }
    const t = findTrade(biz);
    if (!t) return sub('40004', 'ACQ.TRADE_NOT_EXIST');
    const outRequestNo = text(biz.out_request_no) ?? t.out_trade_no;
    const found = t.refunds.find((r) => r.out_refund_no === outRequestNo);
    const response: Response = { code: '10000', msg: MSG['10000'], ...ids(t), out_request_no: outRequestNo };
    if (found) {
      Object.assign(response, {
        total_amount: fenToYuan(t.total_fee),
        refund_amount: fenToYuan(found.refund_fee),
        refund_status: 'REFUND_SUCCESS',
        gmt_refund_pay: alipayTime(found.created_at_ms),
      });
    }
    return response;
  }

  function precreate(biz: Biz, params: Params): Response {
    const outTradeNo = text(biz.out_trade_no);
    const subject = text(biz.subject);
    if (!isOutTradeNo(outTradeNo, 64))
      return sub('40002', 'isv.invalid-parameter', 'out_trade_no (1-64 characters) is required');
    if (!subject) return sub('40002', 'isv.invalid-parameter', 'subject is required');
    const totalFee = parseAmount(biz.total_amount);
    if (totalFee === undefined)
      return sub('40002', 'isv.invalid-parameter', 'total_amount must be yuan with at most 2 decimals, > 0');
    const timeExpire = text(biz.time_expire);
    const timeoutExpress = text(biz.timeout_express);
    const expiresAtMs = timeExpire
      ? parseAlipayTime(timeExpire)
      : timeoutExpress
        ? afterTimeoutExpress(timeoutExpress, ledger.clock.now())
        : undefined;
    if ((timeExpire || timeoutExpress) && expiresAtMs === undefined)
      return sub(
        '40002',
        'isv.invalid-parameter',
        'time_expire must be yyyy-MM-dd HH:mm:ss, timeout_express 1m-15d (m, h, d or 1c)',
      );
    const result = ledger.createQrOrder({
      provider: 'alipay',
      outTradeNo,
      totalFee,
      subject,
      ...(params.notify_url ? { notifyUrl: params.notify_url } : {}),
      ...(expiresAtMs === undefined ? {} : { expiresAtMs }),
      echo: accountEcho(),
    });
    if (result.kind === 'duplicate') {
      return sub(
        '40004',
        result.trade.captured_fen > 0 ? 'ACQ.TRADE_HAS_SUCCESS' : 'ACQ.CONTEXT_INCONSISTENT',
      );
    }
    return {
      code: '10000',
      msg: MSG['10000'],
      out_trade_no: outTradeNo,
      qr_code: alipayQrCode(result.token),
    };
  }

  const METHODS: Readonly<Record<string, (biz: Biz, params: Params) => Response>> = {
    'alipay.trade.pay': pay,
    'alipay.trade.query': query,
    'alipay.trade.cancel': cancel,
    'alipay.trade.close': close,
    'alipay.trade.refund': refund,
    'alipay.trade.fastpay.refund.query': refundQuery,
    'alipay.trade.precreate': precreate,
  };

  return function handleAlipay(request: SandboxRequest): SandboxReply {
    if (request.path !== '/alipay/gateway.do') {
      return {
        status: 404,
        contentType: JSON_TYPE,
        body: JSON.stringify({ error: 'the Alipay gateway is /alipay/gateway.do' }),
      };
    }
    const params = readParams(request);
    if (!params)
      return reply('error_response', sub('40002', 'isv.invalid-parameter', 'the body is not valid JSON'));
    const method = params.method;
    if (!method) return reply('error_response', sub('40002', 'isv.missing-method'));
    const extraMethod = extra[method];
    const run = METHODS[method] ?? (extraMethod && ((biz: Biz) => extraMethod(biz, request, authAppId)));
    if (!run) return reply('error_response', sub('40002', 'isv.invalid-method', method.slice(0, 80)));
    const responseKey = `${method.replaceAll('.', '_')}_response`;
    if (params.app_id !== keys.appId) return reply(responseKey, sub('40002', 'isv.invalid-app-id'));
    if (!params.sign) return reply(responseKey, sub('40002', 'isv.missing-signature'));
    if (params.sign_type !== 'RSA2')
      return reply(responseKey, sub('40002', 'isv.invalid-signature-type', 'use sign_type=RSA2'));
    if (!rsa2Verify(alipaySigningString(params), params.sign, keys.appPublicKey)) {
      return reply(responseKey, sub('40002', 'isv.invalid-signature'));
    }
    // Certificate mode: the request names the app and root certificates; replies name Alipay's.
    const certMode = params.app_cert_sn !== undefined || params.alipay_root_cert_sn !== undefined;
    const certProblem = certSerialProblem(params, keys.certSerials);
    if (certProblem) return reply(responseKey, sub('40002', certProblem), certMode);
    const answer = (response: Response) => reply(responseKey, response, certMode);
    const token = params.app_auth_token;
    if (token !== undefined && token !== keys.isv.appAuthToken)
      return answer(sub('20001', 'aop.invalid-app-auth-token'));
    authAppId = token === undefined ? undefined : keys.isv.authAppId;
    if (!params.biz_content) return answer(sub('40002', 'isv.missing-biz-content'));
    let biz: unknown;
    try {
      biz = JSON.parse(params.biz_content);
    } catch {
      return answer(sub('40002', 'isv.invalid-parameter', 'biz_content is not valid JSON'));
    }
    if (typeof biz !== 'object' || biz === null || Array.isArray(biz)) {
      return answer(sub('40002', 'isv.invalid-parameter', 'biz_content must be a JSON object'));
    }
    return answer(run(biz as Biz, params));
  };
}
