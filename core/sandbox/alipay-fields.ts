/**
 * The Alipay sandbox's vocabulary (docs/protocols.md §4): gateway and sub-code messages, how a request's
 * parameters are read (query string overlaid by a form or JSON body, as alipay-sdk splits them), and
 * the yuan/text readers the method handlers share.
 */
import { yuanToFen } from '../common/money.ts';
import type { SandboxRequest } from './http-server.ts';
import { parseJsonObject } from './request-fields.ts';

export type Params = Readonly<Record<string, string>>;
export type Biz = Readonly<Record<string, unknown>>;
export type Response = Record<string, unknown>;

export const MSG: Readonly<Record<string, string>> = {
  '10000': 'Success',
  '10003': 'order success pay inprocess',
  '20000': 'Service Currently Unavailable',
  '20001': 'Insufficient Token Permissions',
  '40002': 'Invalid Arguments',
  '40004': 'Business Failed',
};

const SUB_MSG: Readonly<Record<string, string>> = {
  'ACQ.TRADE_NOT_EXIST': '交易不存在',
  'aop.invalid-app-auth-token': '无效的应用授权令牌',
  'ACQ.BUYER_BALANCE_NOT_ENOUGH': '买家余额不足',
  'ACQ.PAYMENT_AUTH_CODE_INVALID': '支付授权码无效',
  'ACQ.TRADE_HAS_SUCCESS': '交易已被支付',
  'ACQ.TRADE_HAS_CLOSE': '交易已经关闭',
  'ACQ.CONTEXT_INCONSISTENT': '交易信息被篡改',
  'ACQ.PAYMENT_FAIL': '支付失败',
  'ACQ.TRADE_STATUS_ERROR': '交易状态不合法',
  'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL': '退款金额超限',
  'ACQ.INVALID_PARAMETER': '参数无效',
  'isp.unknow-error': '系统繁忙',
  'isv.invalid-signature': '验签出错',
  'isv.invalid-signature-type': '无效签名类型',
  'isv.invalid-app-id': '无效的AppID参数',
  'isv.invalid-method': '不存在的方法名',
  'isv.missing-method': '缺少方法名参数',
  'isv.missing-signature': '缺少签名参数',
  'isv.invalid-parameter': '参数无效',
  'isv.missing-biz-content': '缺少业务参数',
};

export function sub(code: string, subCode: string, detail?: string): Response {
  const text = SUB_MSG[subCode] ?? subCode;
  return { code, msg: MSG[code], sub_code: subCode, sub_msg: detail ? `${text}: ${detail}` : text };
}

/** Common params from the query string, overlaid by the form (or JSON) body. */
export function readParams(request: SandboxRequest): Params | undefined {
  const params: Record<string, string> = {};
  for (const [k, v] of request.query) params[k] = v;
  const type = String(request.headers['content-type'] ?? '');
  const body = request.body.trim();
  if (body.length === 0) return params;
  if (type.includes('application/json')) {
    const parsed = parseJsonObject(body);
    if (!parsed) return undefined;
    for (const [k, v] of Object.entries(parsed)) {
      params[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    return params;
  }
  for (const [k, v] of new URLSearchParams(body)) params[k] = v;
  return params;
}

export function parseAmount(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    const fen = yuanToFen(String(value));
    return fen > 0 ? fen : undefined;
  } catch {
    return undefined;
  }
}

export function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
