/**
 * WeChat Pay APIv3 payment notification (docs/protocols.md §3): a JSON envelope whose `resource` is
 * AES-256-GCM encrypted with the APIv3 key. The Wechatpay-* headers must sign the body with a key we
 * hold (chosen by Wechatpay-Serial) within 5 minutes of our clock, exactly as for replies; then the
 * resource must decrypt under our APIv3 key and name our account: appid and mchid for a direct
 * merchant; sp_appid, sp_mchid and our sub_mchid for a sub-merchant (wxpay-v3-account.ts). Answer 200/204 to stop
 * retries; failure is 4xx {code, message}. A well-signed notification outside the 5 minutes is refused
 * with `clockSkew`, so the service raises the same clock warning a skewed reply raises.
 */
import type {
  NotifyAnswer,
  NotifyHeaders,
  NotifyReading,
  NotifyVerifier,
} from '../../ports/notify-verifier.ts';
import { v3DecryptResource } from '../shared/v3-sign.ts';
import { wxpayV3AccountProblem } from './wxpay-v3-account.ts';
import type { WxpayV3Config } from './wxpay-v3-config.ts';
import { wxpayV3SignatureProblem } from './wxpay-v3-transport.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

function answer(status: number, code: string, message: string): NotifyAnswer {
  return { status, contentType: JSON_TYPE, body: JSON.stringify({ code, message }) };
}

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The envelope's content, once its signature has been checked (createWxpayV3NotifyVerifier). */
export function readWxpayV3Notification(config: WxpayV3Config, body: string): NotifyReading {
  let envelope: Readonly<Record<string, unknown>> | undefined;
  try {
    envelope = record(JSON.parse(body));
  } catch {
    return { kind: 'rejected', reason: 'notification is not JSON' };
  }
  const resource = record(envelope?.resource);
  if (!resource || typeof resource.ciphertext !== 'string' || typeof resource.nonce !== 'string')
    return { kind: 'rejected', reason: 'notification has no encrypted resource' };
  const plain = v3DecryptResource(
    {
      algorithm: String(resource.algorithm),
      ciphertext: resource.ciphertext,
      nonce: resource.nonce,
      associated_data: typeof resource.associated_data === 'string' ? resource.associated_data : '',
    },
    config.apiv3_key,
  );
  if (plain === undefined)
    return { kind: 'rejected', reason: 'resource does not decrypt with our APIv3 key' };
  let trade: Readonly<Record<string, unknown>> | undefined;
  try {
    trade = record(JSON.parse(plain));
  } catch {
    trade = undefined;
  }
  if (!trade) return { kind: 'rejected', reason: 'decrypted resource is not a JSON object' };
  const wrongAccount = wxpayV3AccountProblem(config, trade, true);
  if (wrongAccount !== undefined) return { kind: 'rejected', reason: `notification ${wrongAccount}` };
  const outTradeNo = trade.out_trade_no;
  if (typeof outTradeNo !== 'string' || outTradeNo === '')
    return { kind: 'rejected', reason: 'out_trade_no missing' };
  const state = typeof trade.trade_state === 'string' ? trade.trade_state : '';
  if (state !== 'SUCCESS') return { kind: 'not_paid', outTradeNo, tradeStatus: state || '(none)' };
  const total = record(trade.amount)?.total;
  if (typeof total !== 'number' || !Number.isSafeInteger(total) || total <= 0)
    return { kind: 'rejected', reason: 'amount.total is not an integer fen amount' };
  if (typeof trade.transaction_id !== 'string' || trade.transaction_id === '')
    return { kind: 'rejected', reason: 'transaction_id missing' };
  const paidAt = typeof trade.success_time === 'string' ? trade.success_time : undefined;
  return {
    kind: 'paid',
    outTradeNo,
    totalFee: total,
    transactionId: trade.transaction_id,
    ...(paidAt ? { paidAt } : {}),
  };
}

export function createWxpayV3NotifyVerifier(config: WxpayV3Config): NotifyVerifier {
  return {
    provider: 'wxpay_v3',
    success: { status: 204, contentType: JSON_TYPE, body: '' },
    failure: (message) => answer(400, 'FAIL', message),
    read(body: string, headers: NotifyHeaders = {}): NotifyReading {
      const problem = wxpayV3SignatureProblem(config, headers, body, Date.now());
      if (problem?.reason === 'clock_skew')
        return {
          kind: 'rejected',
          reason: `notification ${problem.problem}`,
          clockSkew: `notification ${problem.problem}`,
        };
      if (problem !== undefined) return { kind: 'rejected', reason: `notification ${problem.problem}` };
      return readWxpayV3Notification(config, body);
    },
  };
}
