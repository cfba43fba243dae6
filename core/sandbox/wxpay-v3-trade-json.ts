/**
 * What the sandbox's APIv3 trades look like on the wire (docs/protocols.md §3): the trade JSON that
 * codepay and query answer and a paid notification encrypts, for a direct merchant or a
 * sub-merchant (wxpay-v3-accounts.ts), and the signed, encrypted notification itself.
 */
import { v3EncryptResource, v3Nonce, v3ReplyMessage, v3Sign } from '../gateways/shared/v3-sign.ts';
import type { Trade } from './ledger.ts';
import type { SandboxCredentials } from './sandbox-credentials.ts';
import { tradeState } from './wxpay-trade-fields.ts';
import { accountJson, accountOfTrade, payerJson } from './wxpay-v3-accounts.ts';

type Json = Record<string, unknown>;

export function chinaRfc3339(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

/** A trade as v3 query, codepay and the paid notification's resource carry it. */
export function wxpayV3TradeJson(trade: Trade, merchant: SandboxCredentials['wxpay_v3']): Json {
  const state = tradeState(trade);
  const paid = trade.captured_fen > 0;
  const account = accountOfTrade(trade);
  return {
    ...accountJson(account, merchant),
    out_trade_no: trade.out_trade_no,
    trade_type: trade.mode === 'qr' ? 'NATIVE' : 'MICROPAY',
    trade_state: state,
    trade_state_desc: state,
    ...(trade.echo.attach ? { attach: trade.echo.attach } : {}),
    ...(paid
      ? {
          transaction_id: trade.transaction_id,
          bank_type: 'OTHERS',
          success_time: chinaRfc3339(trade.paid_at_ms ?? trade.created_at_ms),
          payer: payerJson(account, trade.buyer_id),
        }
      : {}),
    amount: {
      total: trade.total_fee,
      payer_total: paid ? trade.total_fee : 0,
      currency: 'CNY',
      payer_currency: 'CNY',
    },
  };
}

/**
 * The v3 paid notification: the trade JSON AES-256-GCM encrypted with the APIv3 key inside WeChat's
 * envelope, signed in Wechatpay-* headers with the sandbox's WeChat Pay public key (docs/protocols.md §3).
 * Answered by 200 or 204.
 */
export function wxpayV3Notification(
  trade: Trade,
  merchant: SandboxCredentials['wxpay_v3'],
  signingKey: string,
  nowMs: number,
): { readonly body: string; readonly headers: Readonly<Record<string, string>> } {
  const resource = v3EncryptResource(
    JSON.stringify(wxpayV3TradeJson(trade, merchant)),
    merchant.apiv3_key,
    'transaction',
  );
  const body = JSON.stringify({
    id: v3Nonce(),
    create_time: chinaRfc3339(trade.paid_at_ms ?? trade.created_at_ms),
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: { original_type: 'transaction', ...resource },
  });
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = v3Nonce();
  return {
    body,
    headers: {
      'wechatpay-serial': merchant.public_key_id,
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': v3Sign(v3ReplyMessage(timestamp, nonce, body), signingKey),
    },
  };
}
