/**
 * PAYJS payment notification (docs/protocols.md §5): a form POST signed like WeChat v2 MD5 with the
 * merchant key; `return_code` 1 means paid. Answer `success` to stop the retries.
 */

import { parseFenText } from '../../common/money.ts';
import type { NotifyReading, NotifyVerifier } from '../../ports/notify-verifier.ts';
import { chinaTimeToIso } from '../shared/beijing-time.ts';
import { parseFormFields } from '../shared/form-fields.ts';
import { v2Verify } from '../shared/v2-sign.ts';
import type { PayjsConfig } from './payjs-config.ts';

const TEXT_TYPE = 'text/plain; charset=utf-8';

export function createPayjsNotifyVerifier(config: PayjsConfig): NotifyVerifier {
  return {
    provider: 'payjs',
    success: { status: 200, contentType: TEXT_TYPE, body: 'success' },
    failure: () => ({ status: 400, contentType: TEXT_TYPE, body: 'fail' }),
    read(body): NotifyReading {
      const parsed = parseFormFields(body);
      if (!parsed.ok) return { kind: 'rejected', reason: parsed.problem };
      const f = parsed.fields;
      if (!v2Verify(f, config.key, 'MD5'))
        return { kind: 'rejected', reason: 'signature missing or invalid' };
      if (f.mchid !== config.mchid)
        return { kind: 'rejected', reason: 'notification is for another merchant' };
      const outTradeNo = f.out_trade_no;
      if (!outTradeNo) return { kind: 'rejected', reason: 'out_trade_no missing' };
      if (f.return_code !== '1')
        return { kind: 'not_paid', outTradeNo, tradeStatus: `return_code ${f.return_code}` };
      const totalFee = parseFenText(f.total_fee);
      if (totalFee === undefined)
        return { kind: 'rejected', reason: 'total_fee is not an integer fen amount' };
      // The adapter books payjs_order_id (what refund/reverse need to find the order), not WeChat's id.
      const transactionId = f.payjs_order_id;
      if (!transactionId) return { kind: 'rejected', reason: 'payjs_order_id missing' };
      const paidAt = chinaTimeToIso(f.time_end);
      return { kind: 'paid', outTradeNo, totalFee, transactionId, ...(paidAt ? { paidAt } : {}) };
    },
  };
}
