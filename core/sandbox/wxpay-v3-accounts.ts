/**
 * Whose trade a sandbox APIv3 request is about (docs/protocols.md §3, "Service-provider mode"). The
 * sandbox merchant `mchid` is a direct merchant and also a service provider (服务商) with appid
 * `sp_appid` and one sub-merchant `sub_mchid`. Partner calls (/v3/pay/partner/transactions/...) name
 * sp_mchid + sub_mchid; the sandbox checks the sub-merchant belongs to this service provider, as
 * WeChat checks the 受理关系, and keeps each trade's sub-merchant so a query, reverse, close or
 * refund for another account does not find it.
 *
 * Sandbox choices where the docs are silent: an unknown sub_mchid is refused 403 NO_AUTH (the
 * charge does not happen); a trade asked for under another account is 404 ORDER_NOT_EXIST.
 */
import type { Trade } from './ledger.ts';
import type { SandboxCredentials } from './sandbox-credentials.ts';

type Json = Record<string, unknown>;
type Merchant = SandboxCredentials['wxpay_v3'];

/** A direct-merchant trade has no sub_mchid. */
export interface V3Account {
  readonly sub_mchid?: string;
  readonly sub_appid?: string;
}

export type AccountReading =
  | { readonly ok: true; readonly account: V3Account }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

const refused = (status: number, code: string, message: string): AccountReading => ({
  ok: false,
  status,
  code,
  message,
});

/** The account fields a trade is stored with (its ledger echo). */
export function accountEcho(account: V3Account): Record<string, string> {
  return {
    ...(account.sub_mchid ? { sub_mchid: account.sub_mchid } : {}),
    ...(account.sub_appid ? { sub_appid: account.sub_appid } : {}),
  };
}

export function accountOfTrade(trade: Trade): V3Account {
  return { sub_mchid: trade.echo.sub_mchid, sub_appid: trade.echo.sub_appid };
}

export function sameAccount(trade: Trade, account: V3Account): boolean {
  return trade.echo.sub_mchid === account.sub_mchid;
}

/** The ids a reply or notification names: appid/mchid, or the four partner fields. */
export function accountJson(account: V3Account, merchant: Merchant): Json {
  if (account.sub_mchid === undefined) return { appid: merchant.appid, mchid: merchant.mchid };
  return {
    sp_appid: merchant.sp_appid,
    sp_mchid: merchant.mchid,
    ...(account.sub_appid ? { sub_appid: account.sub_appid } : {}),
    sub_mchid: account.sub_mchid,
  };
}

/** The payer as replies show it: openid for a direct merchant; sp_openid (+ sub_openid) for a partner. */
export function payerJson(account: V3Account, openid: string): Json {
  if (account.sub_mchid === undefined) return { openid };
  return { sp_openid: openid, ...(account.sub_appid ? { sub_openid: openid } : {}) };
}

/**
 * The account a partner call names (body fields for POST, query parameters for GET). `appid` says
 * whether sp_appid is required (codepay, native) or may be absent (reverse, close, query).
 */
export function readPartnerAccount(
  fields: { sp_mchid: unknown; sub_mchid: unknown; sp_appid: unknown; sub_appid: unknown },
  merchant: Merchant,
  appid: 'required' | 'optional',
): AccountReading {
  if (fields.sp_mchid !== merchant.mchid)
    return refused(400, 'PARAM_ERROR', 'sp_mchid is not the sandbox service provider');
  if (typeof fields.sub_mchid !== 'string' || fields.sub_mchid === '')
    return refused(400, 'PARAM_ERROR', 'sub_mchid is required');
  if (fields.sub_mchid !== merchant.sub_mchid)
    return refused(403, 'NO_AUTH', `sub_mchid ${fields.sub_mchid} 与服务商 ${merchant.mchid} 不存在受理关系`);
  if (appid === 'required' || fields.sp_appid !== undefined) {
    if (fields.sp_appid !== merchant.sp_appid)
      return refused(400, 'APPID_MCHID_NOT_MATCH', 'sp_appid和sp_mchid不匹配');
  }
  const subAppid =
    typeof fields.sub_appid === 'string' && fields.sub_appid !== '' ? fields.sub_appid : undefined;
  return { ok: true, account: { sub_mchid: fields.sub_mchid, ...(subAppid ? { sub_appid: subAppid } : {}) } };
}

/** A refund names its sub-merchant by `sub_mchid` alone (body or query); absent = direct merchant. */
export function readRefundAccount(subMchid: unknown, merchant: Merchant): AccountReading {
  if (subMchid === undefined || subMchid === null) return { ok: true, account: {} };
  if (subMchid !== merchant.sub_mchid)
    return refused(403, 'NO_AUTH', `sub_mchid ${String(subMchid)} 与服务商 ${merchant.mchid} 不存在受理关系`);
  return { ok: true, account: { sub_mchid: subMchid } };
}
