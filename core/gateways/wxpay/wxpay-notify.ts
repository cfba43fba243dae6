/**
 * WeChat Pay v2 payment notification (docs/protocols.md §2): flat signed XML, signed with the merchant's API
 * key. The notify carries `sign_type` only sometimes; without it we accept MD5 or the configured
 * type (both keyed with the same secret, so neither is weaker than the other). Answer
 * `<xml><return_code>SUCCESS</return_code>…` to stop WeChat's retries.
 */

import { parseFenText } from '../../common/money.ts';
import type { NotifyAnswer, NotifyReading, NotifyVerifier } from '../../ports/notify-verifier.ts';
import { chinaTimeToIso } from '../shared/beijing-time.ts';
import { type V2SignType, v2Verify } from '../shared/v2-sign.ts';
import { wxpayAddresseeProblem } from './wxpay-addressee.ts';
import type { WxpayConfig } from './wxpay-config.ts';
import { buildWxpayXml, parseWxpayXml } from './wxpay-xml.ts';

const XML_TYPE = 'text/xml; charset=utf-8';

function answer(status: number, code: 'SUCCESS' | 'FAIL', message: string): NotifyAnswer {
  return { status, contentType: XML_TYPE, body: buildWxpayXml({ return_code: code, return_msg: message }) };
}

function signTypesFor(given: string | undefined, configured: V2SignType): readonly V2SignType[] | null {
  if (given === undefined || given === '') return configured === 'MD5' ? ['MD5'] : ['MD5', configured];
  if (given === 'MD5' || given === 'HMAC-SHA256') return [given];
  return null;
}

export function createWxpayNotifyVerifier(config: WxpayConfig): NotifyVerifier {
  return {
    provider: 'wxpay',
    success: answer(200, 'SUCCESS', 'OK'),
    failure: (message) => answer(400, 'FAIL', message),
    read(body): NotifyReading {
      const parsed = parseWxpayXml(body);
      if (!parsed.ok) return { kind: 'rejected', reason: parsed.problem };
      const f = parsed.fields;
      const types = signTypesFor(f.sign_type, config.sign_type);
      if (!types) return { kind: 'rejected', reason: 'unsupported sign_type' };
      if (!types.some((type) => v2Verify(f, config.key, type))) {
        return { kind: 'rejected', reason: 'signature missing or invalid' };
      }
      const addressee = wxpayAddresseeProblem(f, config, 'notification');
      if (addressee !== undefined) return { kind: 'rejected', reason: `notification ${addressee}` };
      const outTradeNo = f.out_trade_no;
      if (!outTradeNo) return { kind: 'rejected', reason: 'out_trade_no missing' };
      if (f.return_code !== 'SUCCESS' || f.result_code !== 'SUCCESS') {
        return { kind: 'not_paid', outTradeNo, tradeStatus: `${f.return_code}/${f.result_code}` };
      }
      const totalFee = parseFenText(f.total_fee);
      if (totalFee === undefined)
        return { kind: 'rejected', reason: 'total_fee is not an integer fen amount' };
      if (!f.transaction_id) return { kind: 'rejected', reason: 'transaction_id missing' };
      const paidAt = chinaTimeToIso(f.time_end);
      return {
        kind: 'paid',
        outTradeNo,
        totalFee,
        transactionId: f.transaction_id,
        ...(paidAt ? { paidAt } : {}),
      };
    },
  };
}
