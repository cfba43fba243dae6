/** Picks the notification verifier for a merchant gateway's validated config. */
import type { ParsedGatewayConfig } from '../merchants.ts';
import { createAlipayNotifyVerifier } from './alipay-notify.ts';
import type { NotifyVerifier } from './notify-types.ts';
import { createPayjsNotifyVerifier } from './payjs-notify.ts';
import { createWxpayNotifyVerifier } from './wxpay-notify.ts';

export function createNotifyVerifier(parsed: ParsedGatewayConfig): NotifyVerifier {
  switch (parsed.provider) {
    case 'wxpay':
      return createWxpayNotifyVerifier(parsed.config);
    case 'alipay':
      return createAlipayNotifyVerifier(parsed.config);
    case 'payjs':
      return createPayjsNotifyVerifier(parsed.config);
  }
}
