/**
 * Alipay asynchronous notification (docs/protocols.md §4): a form POST signed RSA2 with Alipay's key over
 * the URL-decoded fields minus `sign` and `sign_type`. Verified as alipay-sdk's checkNotifySignV2 does
 * (alipay-signer.ts, with the merchant's configured Alipay public key parsed once); raw values because
 * URLSearchParams has already decoded them once. TRADE_SUCCESS / TRADE_FINISHED are paid; any other
 * status (WAIT_BUYER_PAY, TRADE_CLOSED) is acknowledged without booking. Answer `success`.
 * A notification is ours only when app_id is our app and auth_app_id (when sent; always in
 * service-provider mode) is the merchant we take payments for.
 */
import { ValidationError } from '../../common/errors.ts';
import { yuanToFen } from '../../common/money.ts';
import type { NotifyReading, NotifyVerifier } from '../../ports/notify-verifier.ts';
import { chinaTimeToIso } from '../shared/beijing-time.ts';
import { parseFormFields } from '../shared/form-fields.ts';
import type { AlipayConfig } from './alipay-config.ts';
import { createAlipayNotifySignatureCheck } from './alipay-signer.ts';

const TEXT_TYPE = 'text/plain; charset=utf-8';
const PAID_STATUSES: ReadonlySet<string> = new Set(['TRADE_SUCCESS', 'TRADE_FINISHED']);

function fenOf(yuan: string | undefined): number | undefined {
  if (yuan === undefined) return undefined;
  try {
    return yuanToFen(yuan);
  } catch (error) {
    if (error instanceof ValidationError) return undefined;
    throw error;
  }
}

export function createAlipayNotifyVerifier(config: AlipayConfig): NotifyVerifier {
  const verifies = createAlipayNotifySignatureCheck(config.alipay_public_key);
  return {
    provider: 'alipay',
    success: { status: 200, contentType: TEXT_TYPE, body: 'success' },
    failure: () => ({ status: 400, contentType: TEXT_TYPE, body: 'failure' }),
    read(body): NotifyReading {
      const parsed = parseFormFields(body);
      if (!parsed.ok) return { kind: 'rejected', reason: parsed.problem };
      const f = parsed.fields;
      if (!verifies(f)) return { kind: 'rejected', reason: 'signature missing or invalid' };
      if (f.app_id !== config.app_id) return { kind: 'rejected', reason: 'notification is for another app' };
      // auth_app_id names the merchant whose trade it is: ours, or in service-provider mode the
      // authorising merchant configured with app_auth_token (which every ISV notification names).
      const merchantAppId = config.auth_app_id ?? config.app_id;
      if ((config.auth_app_id || f.auth_app_id !== undefined) && f.auth_app_id !== merchantAppId) {
        return { kind: 'rejected', reason: 'notification is for another merchant (auth_app_id)' };
      }
      const outTradeNo = f.out_trade_no;
      if (!outTradeNo) return { kind: 'rejected', reason: 'out_trade_no missing' };
      const status = f.trade_status ?? '';
      if (!PAID_STATUSES.has(status)) return { kind: 'not_paid', outTradeNo, tradeStatus: status };
      const totalFee = fenOf(f.total_amount);
      if (totalFee === undefined) return { kind: 'rejected', reason: 'total_amount is not a yuan amount' };
      if (!f.trade_no) return { kind: 'rejected', reason: 'trade_no missing' };
      const paidAt = chinaTimeToIso(f.gmt_payment);
      return { kind: 'paid', outTradeNo, totalFee, transactionId: f.trade_no, ...(paidAt ? { paidAt } : {}) };
    },
  };
}
