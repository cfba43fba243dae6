/**
 * Whom a verified WeChat v2 reply or notification is for. A valid signature only proves who holds the
 * key, and a service provider's key signs for all its sub-merchants, so the account fields are checked
 * too (docs/protocols.md §2, "Notify"). Notifications must name our account; replies are checked on the
 * fields they carry (a return_code=FAIL reply names no account).
 */
import type { WxpayConfig } from './wxpay-config.ts';

type Account = Pick<WxpayConfig, 'appid' | 'mch_id' | 'sub_mch_id' | 'sub_appid'>;

/** Why `fields` are not addressed to `account`, or undefined when they are. */
export function wxpayAddresseeProblem(
  fields: Readonly<Record<string, string>>,
  account: Account,
  mode: 'notification' | 'reply',
): string | undefined {
  const differs = (name: 'appid' | 'mch_id', expected: string) =>
    mode === 'notification'
      ? fields[name] !== expected
      : fields[name] !== undefined && fields[name] !== expected;
  if (differs('appid', account.appid)) return 'is for another appid';
  if (differs('mch_id', account.mch_id)) return 'is for another mch_id';
  const subMchId = fields.sub_mch_id;
  if (account.sub_mch_id === undefined) {
    if (subMchId !== undefined)
      return 'names a sub_mch_id, but this merchant is not in service-provider mode';
  } else if (subMchId !== account.sub_mch_id && (mode === 'notification' || subMchId !== undefined)) {
    return 'is for another sub_mch_id';
  }
  const subAppid = fields.sub_appid;
  if (account.sub_appid !== undefined && subAppid !== undefined && subAppid !== account.sub_appid) {
    return 'is for another sub_appid';
  }
  return undefined;
}
