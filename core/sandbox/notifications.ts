/**
 * Paid notifications for QR-mode orders that gave a notify_url (micropay has none, docs/protocols.md §2).
 * Each provider's own shape and signature: WeChat signed XML (answer <return_code>SUCCESS), Alipay a
 * signed form (answer `success`), PAYJS a signed form (answer `success`). A few bounded retries, like
 * the real services but compressed in time, and only to loopback addresses: the sandbox must not
 * become a way to make this machine POST elsewhere.
 */
import { randomBytes } from 'node:crypto';
import { fenToYuan } from '../common/money.ts';
import { v2Sign } from '../gateways/shared/v2-sign.ts';
import { systemClock } from '../ports/clock.ts';
import { alipaySigningString, rsa2Sign } from './alipay-sign.ts';
import { alipayTime, wechatTime } from './china-time.ts';
import type { SandboxLedger, Trade } from './ledger.ts';
import type { SandboxCredentials } from './sandbox-credentials.ts';
import { loadSandboxKeys } from './sandbox-credentials.ts';
import { wxpayV3Notification } from './wxpay-v3-protocol.ts';
import { buildWxpayXml } from './wxpay-xml.ts';

/** Delays before each attempt (ms). */
export const NOTIFY_SCHEDULE_MS: readonly number[] = [0, 250, 1000, 3000];
const ATTEMPT_TIMEOUT_MS = 3000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

interface Notification {
  readonly contentType: string;
  readonly body: string;
  /** Extra headers (WeChat APIv3 signs notifications in Wechatpay-* headers). */
  readonly headers?: Readonly<Record<string, string>>;
  accepted(status: number, body: string): boolean;
}

export interface Notifier {
  close(): Promise<void>;
}

function isLoopbackUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK.has(url.hostname);
  } catch {
    return false;
  }
}

export function buildNotification(
  trade: Trade,
  credentials: SandboxCredentials,
  alipayPrivateKey: string,
): Notification {
  const paidAt = trade.paid_at_ms ?? trade.created_at_ms;
  switch (trade.provider) {
    case 'wxpay': {
      const fields: Record<string, string | undefined> = {
        return_code: 'SUCCESS',
        result_code: 'SUCCESS',
        appid: credentials.wxpay.appid,
        mch_id: credentials.wxpay.mch_id,
        // A sub-merchant's trade names it, as WeChat's notifications in service-provider mode do.
        sub_mch_id: trade.echo.sub_mch_id,
        nonce_str: randomBytes(8).toString('hex'),
        openid: trade.buyer_id,
        is_subscribe: 'N',
        trade_type: 'NATIVE',
        bank_type: 'OTHERS',
        fee_type: 'CNY',
        total_fee: String(trade.total_fee),
        cash_fee: String(trade.total_fee),
        transaction_id: trade.transaction_id,
        out_trade_no: trade.out_trade_no,
        attach: trade.echo.attach,
        time_end: wechatTime(paidAt),
      };
      // Laid out as WeChat's notify sample (docs/protocols.md §2): newline + indentation, CDATA.
      const sign = v2Sign(fields, credentials.wxpay.key, 'MD5');
      const body = buildWxpayXml({ ...fields, sign }, 'official');
      return {
        contentType: 'text/xml; charset=utf-8',
        body,
        accepted: (status, text) => status === 200 && /<return_code>\s*(<!\[CDATA\[)?SUCCESS/.test(text),
      };
    }
    case 'alipay': {
      const amount = fenToYuan(trade.total_fee);
      const fields: Record<string, string> = {
        notify_time: alipayTime(paidAt),
        notify_type: 'trade_status_sync',
        notify_id: randomBytes(16).toString('hex'),
        app_id: credentials.alipay.app_id,
        // The merchant whose trade it is: the authorising merchant in ISV mode, else the app itself.
        auth_app_id: trade.echo.auth_app_id ?? credentials.alipay.app_id,
        charset: 'utf-8',
        version: '1.0',
        sign_type: 'RSA2',
        trade_no: trade.transaction_id,
        out_trade_no: trade.out_trade_no,
        trade_status: 'TRADE_SUCCESS',
        total_amount: amount,
        receipt_amount: amount,
        buyer_pay_amount: amount,
        buyer_id: '2088000000000000',
        subject: trade.subject,
        gmt_create: alipayTime(trade.created_at_ms),
        gmt_payment: alipayTime(paidAt),
      };
      const sign = rsa2Sign(alipaySigningString(fields, ['sign', 'sign_type']), alipayPrivateKey);
      return {
        contentType: 'application/x-www-form-urlencoded; charset=utf-8',
        body: new URLSearchParams({ ...fields, sign }).toString(),
        accepted: (status, text) => status === 200 && text.trim() === 'success',
      };
    }
    case 'payjs': {
      const fields: Record<string, string> = {
        return_code: '1',
        total_fee: String(trade.total_fee),
        out_trade_no: trade.out_trade_no,
        payjs_order_id: trade.provider_order_id,
        transaction_id: trade.transaction_id,
        time_end: wechatTime(paidAt),
        openid: trade.buyer_id,
        mchid: credentials.payjs.mchid,
        ...(trade.echo.attach ? { attach: trade.echo.attach } : {}),
      };
      return {
        contentType: 'application/x-www-form-urlencoded; charset=utf-8',
        body: new URLSearchParams({
          ...fields,
          sign: v2Sign(fields, credentials.payjs.key, 'MD5'),
        }).toString(),
        accepted: (status, text) => status === 200 && text.trim() === 'success',
      };
    }
    case 'wxpay_v3': {
      // Real time: the receiver checks the signature's timestamp against its own clock.
      const signingKey = loadSandboxKeys().serverKeys.wxpayV3SigningKey;
      const signed = wxpayV3Notification(trade, credentials.wxpay_v3, signingKey, Date.now());
      return {
        contentType: 'application/json',
        ...signed,
        accepted: (status) => status === 200 || status === 204,
      };
    }
  }
}

export function startNotifier(
  ledger: SandboxLedger,
  credentials: SandboxCredentials,
  alipayPrivateKey: string,
): Notifier {
  const stop = new AbortController();
  const running = new Set<Promise<void>>();

  async function deliver(url: string, notification: Notification): Promise<void> {
    for (const delay of NOTIFY_SCHEDULE_MS) {
      // Real time, not the sandbox clock: these are real HTTP retries.
      if (delay > 0) await systemClock.sleep(delay, stop.signal);
      if (stop.signal.aborted) return;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { ...notification.headers, 'content-type': notification.contentType },
          body: notification.body,
          signal: AbortSignal.any([stop.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
        });
        if (notification.accepted(response.status, await response.text())) return;
      } catch {
        // Unreachable or slow merchant: try again on the schedule, like the real services.
      }
    }
  }

  const dispose = ledger.onPaid((trade) => {
    if (!trade.notify_url || !isLoopbackUrl(trade.notify_url)) return;
    const job = deliver(trade.notify_url, buildNotification(trade, credentials, alipayPrivateKey));
    running.add(job);
    void job.finally(() => running.delete(job));
  });

  return {
    async close() {
      dispose();
      stop.abort();
      await Promise.allSettled([...running]);
    },
  };
}
