/**
 * Who a WeChat Pay APIv3 call is for, in one place (docs/protocols.md §3, "Service-provider mode"):
 * a direct merchant names `appid`/`mchid` on /v3/pay/transactions/...; a service provider names
 * `sp_appid`/`sp_mchid` and the shop's `sub_mchid` (optional `sub_appid`) on
 * /v3/pay/partner/transactions/..., and adds `sub_mchid` to refunds. Replies and notifications are
 * checked against the same account: one naming another merchant is never ours to book.
 */
import type { WxpayV3Config } from './wxpay-v3-config.ts';

type Account = Pick<WxpayV3Config, 'appid' | 'mchid' | 'partner'>;
type Json = Readonly<Record<string, unknown>>;

export interface WxpayV3Routes {
  /** Path prefix of the payment calls (codepay, native, out-trade-no/...). */
  readonly transactions: string;
  /** Body fields naming the account on codepay, native and reverse (appid included). */
  readonly payer: Readonly<Record<string, string>>;
  /** Body fields naming the account on close (merchant ids only, as the docs ask). */
  readonly merchantOnly: Readonly<Record<string, string>>;
  /** Query string naming the account on the order query. */
  readonly orderQuery: string;
  /** Body fields a refund adds (sub_mchid in partner mode). */
  readonly refundBody: Readonly<Record<string, string>>;
  /** Query string of the refund query ('' for a direct merchant). */
  readonly refundQuery: string;
}

export function wxpayV3Routes(account: Account): WxpayV3Routes {
  const partner = account.partner;
  if (partner === undefined) {
    return {
      transactions: '/v3/pay/transactions',
      payer: { appid: account.appid, mchid: account.mchid },
      merchantOnly: { mchid: account.mchid },
      orderQuery: `?mchid=${encodeURIComponent(account.mchid)}`,
      refundBody: {},
      refundQuery: '',
    };
  }
  const sub = encodeURIComponent(partner.sub_mchid);
  return {
    transactions: '/v3/pay/partner/transactions',
    payer: {
      sp_appid: account.appid,
      sp_mchid: account.mchid,
      ...(partner.sub_appid ? { sub_appid: partner.sub_appid } : {}),
      sub_mchid: partner.sub_mchid,
    },
    merchantOnly: { sp_mchid: account.mchid, sub_mchid: partner.sub_mchid },
    orderQuery: `?sp_mchid=${encodeURIComponent(account.mchid)}&sub_mchid=${sub}`,
    refundBody: { sub_mchid: partner.sub_mchid },
    refundQuery: `?sub_mchid=${sub}`,
  };
}

/**
 * Why a trade JSON (a reply, or a notification's decrypted resource) is not for this account, or
 * undefined when it is. `strict` (notifications) also requires the ids to be present; replies are
 * judged on the ids they do carry, since error replies and some success replies name none.
 */
export function wxpayV3AccountProblem(account: Account, json: Json, strict: boolean): string | undefined {
  const expected: Record<string, string | undefined> =
    account.partner === undefined
      ? { appid: account.appid, mchid: account.mchid, sub_mchid: undefined, sp_mchid: undefined }
      : {
          sp_appid: account.appid,
          sp_mchid: account.mchid,
          sub_mchid: account.partner.sub_mchid,
          mchid: undefined,
        };
  for (const [field, want] of Object.entries(expected)) {
    const got = json[field];
    if (want === undefined) {
      if (got !== undefined) {
        return account.partner === undefined
          ? `names ${field}: it is for a service provider's sub-merchant, not this direct merchant`
          : `names ${field}: it is for a direct merchant, not this sub-merchant`;
      }
      continue;
    }
    if (got === undefined && !strict) continue;
    if (got !== want) return `is for another ${field}`;
  }
  const subAppid = account.partner?.sub_appid;
  if (subAppid !== undefined && json.sub_appid !== undefined && json.sub_appid !== subAppid)
    return 'is for another sub_appid';
  return undefined;
}
