/**
 * The terminal's configuration file (`<data dir>/config.json`), validated at start with zod:
 * every problem is reported as `key.path: what is wrong`. Provider credentials are validated
 * further by each adapter's own schema. Secrets may be written inline, or as `file:/path` or
 * `env:NAME` references that are resolved at load (so config.json itself can be shared).
 */
import { z } from 'zod';
import { fitsSubject, SUBJECT_RULE } from '../../common/contract/provider-text.ts';
import { ConfigError } from '../../common/errors.ts';
import { PROVIDER_NAMES } from '../../common/providers.ts';
import { ScannerConfigSchema } from '../../scanners/scanner-config.ts';
import { PoleDisplayConfigSchema, PrinterConfigSchema, VoiceConfigSchema } from './peripherals-config.ts';

const fen = z.number().int().positive();

const pollOverride = z
  .strictObject({
    query_delays_ms: z.array(z.number().int().min(200).max(120_000)).min(1).max(60).optional(),
    reverse_after_ms: z.number().int().min(0).max(600_000).optional(),
    reverse_max_attempts: z.number().int().min(1).max(20).optional(),
    qr_ttl_ms: z.number().int().min(10_000).max(7_200_000).optional(),
  })
  .optional();

/** A gateway entry: `{"provider":"wxpay","sandbox":true}` uses the built-in sandbox's credentials. */
const gatewayEntry = z.looseObject({
  provider: z.enum(PROVIDER_NAMES),
  sandbox: z.boolean().optional(),
});

const merchant = z.strictObject({
  pid: z.string().min(1).max(64),
  name: z.string().min(1).max(64).default('Merchant'),
  /** Shown after the shop name on the customer's bill for till sales ("街角茶铺 奶茶"); never the cashier's note. */
  item_text: z.string().min(1).max(32).optional(),
  store_id: z.string().max(32).optional(),
  gateways: z.array(gatewayEntry).min(1, 'a merchant needs at least one gateway'),
});

/**
 * The lowest order total_fee (fen) at which this action runs (./paid-actions/price-floors.ts): a
 * payment below it is refused at createPayment, and held for a person if one is paid anyway.
 */
const minTotalFee = z
  .number({ error: 'a whole number of fen (900 = 9.00 yuan), not a yuan string' })
  .int('a whole number of fen (900 = 9.00 yuan), not yuan with decimals')
  .positive('at least 1 fen')
  .max(100_000_000, 'at most 100000000 fen (1,000,000 yuan)')
  .optional();

const paidAction = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('http'),
    min_total_fee: minTotalFee,
    url: z.url(),
    /** HMAC-SHA256 secret for the X-ScanPay-Signature header (use file:/ or env: references). */
    secret: z.string().min(16, 'at least 16 characters'),
    timeout_ms: z.number().int().min(100).max(30_000).default(5000),
  }),
  z.strictObject({
    kind: z.literal('serial'),
    min_total_fee: minTotalFee,
    path: z.string().min(1),
    baud_rate: z.number().int().positive().default(9600),
    /** Bytes to send: plain text, or hex when prefixed with `hex:`. `{total_fee}` and `{out_trade_no}` are filled in. */
    command: z.string().min(1),
  }),
  z.strictObject({
    kind: z.literal('module'),
    min_total_fee: minTotalFee,
    /** An ES module whose default export is `(context) => boolean | Promise<boolean>`. */
    path: z.string().min(1),
  }),
]);

export const ServiceConfigSchema = z.strictObject({
  terminal_id: z
    .string()
    .regex(/^[A-Za-z0-9]{1,8}$/, '1–8 letters or digits (it prefixes order numbers)')
    .default('T01'),
  store_id: z.string().max(32).optional(),
  /**
   * Where the providers can reach this service from the internet (e.g. an HTTPS address a reverse
   * proxy forwards here). When set, every gateway without its own notify_url registers
   * `<public_url>/notify/<pid>/<provider>`, so QR payments are booked by notification as well as by
   * polling. Without it the terminal relies on polling, which is always on.
   */
  public_url: z
    .url({ protocol: /^https?$/, error: 'an http(s) URL the providers can reach' })
    .refine((url) => !/[?#]/.test(url), 'no query or fragment: /notify/<pid>/<provider> is appended')
    .optional(),
  language: z.enum(['zh-CN', 'en']).default('zh-CN'),
  ui: z
    .strictObject({
      mode: z.enum(['cashier', 'qr']).default('cashier'),
      kiosk: z.boolean().default(false),
    })
    .default({ mode: 'cashier', kiosk: false }),
  /**
   * Service-provider (服务商 / ISV) accounts shared by several shops: a gateway entry naming
   * `"service_provider": "<key>"` takes this account and adds only its own sub-merchant ids
   * (core/service/merchants.ts).
   */
  service_providers: z.record(z.string().min(1).max(64), gatewayEntry).optional(),
  merchants: z.array(merchant).min(1).optional(),
  default_pid: z.string().optional(),
  poll_schedules: z
    .strictObject({ wxpay: pollOverride, alipay: pollOverride, payjs: pollOverride, wxpay_v3: pollOverride })
    .optional(),
  scanners: z.array(ScannerConfigSchema).default([]),
  paid_actions: z.record(z.string(), z.array(paidAction)).default({}),
  /** Automatic journal backups (core/journal/journal-backups.ts): daily, the newest `keep` kept. */
  backups: z
    .strictObject({
      keep: z.number().int().min(1).max(366).default(7),
      /** Default `<data dir>/backups`; a relative path is taken from the data dir. Better another disk. */
      dir: z.string().min(1).optional(),
    })
    .default({ keep: 7 }),
  /** Daily reconciliation against the providers' bills (core/reconcile/daily-reconcile.ts). */
  reconcile: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Beijing time, HH:MM: WeChat's bills are ready at about 10:00 the next day. */
      daily_at: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (Beijing time)')
        .default('10:30'),
      /** How many past days a terminal that was off catches up on. */
      catch_up_days: z.number().int().min(1).max(90).default(7),
    })
    .default({ enabled: true, daily_at: '10:30', catch_up_days: 7 }),
  qr_display: z
    .strictObject({
      product: z
        .strictObject({ name: z.string().min(1).max(64).refine(fitsSubject, SUBJECT_RULE), total_fee: fen })
        .optional(),
      provider: z.enum(PROVIDER_NAMES).optional(),
      pid: z.string().optional(),
      /** How long the success screen stays before returning to idle. */
      success_ms: z.number().int().min(1000).max(600_000).default(8000),
      /** Show a new code whenever the display is idle, with no tap (screens without touch; ui.mode qr). */
      auto_start: z.boolean().default(false),
    })
    .optional(),
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8417),
      /** Required to bind anything but loopback: the LAN cashier UI's credential (docs/security.md). */
      access_token: z.string().min(16, 'at least 16 characters').optional(),
      /** Integrators' keys, sent as `Authorization: Bearer <key>`; each grants only its permissions. */
      api_keys: z
        .array(
          z.strictObject({
            id: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, '1–32 letters, digits or _.-'),
            key: z.string().min(24, 'at least 24 characters'),
            permissions: z.array(z.enum(['pay', 'query', 'refund', 'settings'])).min(1),
          }),
        )
        .default([])
        .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, 'ids must be unique'),
      /** Host names (besides loopback, IP literals, the bound host and public_url's host) the service answers to. */
      allowed_hosts: z.array(z.string().min(1).max(253)).default([]),
      /** Proxy addresses whose X-Forwarded-For is believed; from anyone else it marks the request as remote. */
      trusted_proxies: z.array(z.union([z.ipv4(), z.ipv6()])).default([]),
      /**
       * HTTPS: the PEM certificate and key (use file: references), or `{"self_signed": true}` for a
       * pair made and kept in `<data dir>/tls/`. Health shows the certificate's SHA-256 for pinning.
       */
      tls: z
        .union([
          z.strictObject({
            cert: z.string().includes('BEGIN CERTIFICATE', { error: 'a PEM certificate' }),
            key: z.string().includes('PRIVATE KEY', { error: 'a PEM private key' }),
          }),
          z.strictObject({ self_signed: z.literal(true) }),
        ])
        .optional(),
    })
    .optional(),
  /** Store peripherals (core/service/config/peripherals-config.ts). */
  printer: PrinterConfigSchema.optional(),
  pole_display: PoleDisplayConfigSchema.optional(),
  voice: VoiceConfigSchema.default({ enabled: true, volume: 80 }),
  /**
   * The store hub this terminal forwards its orders, attempts and refunds to (core/service/
   * hub-forwarder.ts): its address and this terminal's token from `scanpay hub add-terminal`
   * (use a file: or env: reference). Without it nothing is forwarded and no outbox is written.
   */
  hub: z
    .strictObject({
      url: z
        .url({ protocol: /^https?$/, error: 'the hub address, an http(s) URL' })
        .refine((url) => !/[?#]/.test(url), 'no query or fragment: /api/ingest is appended'),
      token: z
        .string()
        .regex(/^spt_[A-Za-z0-9_-]{20,}$/, 'the token `scanpay hub add-terminal` printed (spt_…)'),
      /**
       * The hub's config public key (Ed25519 PEM; use a file: reference). With it the terminal takes
       * the store config the owner publishes at the hub (core/hub/store-config.ts); without it, none.
       */
      config_public_key: z.string().includes('PUBLIC KEY', { error: 'a PEM public key' }).optional(),
      /** How often a till with nothing to send still reports (registry "last seen", config news). */
      heartbeat_ms: z.number().int().min(1000).max(600_000).default(15_000),
    })
    .optional(),
  /** Auto-update feed (Electron app). HTTPS only: packages are also signature-checked (docs/deploy.md). */
  updates: z
    .strictObject({
      url: z
        .url({
          protocol: /^https$/,
          error: 'must be an https:// URL (updates are never fetched over plain http)',
        })
        .optional(),
    })
    .optional(),
});

export type ServiceConfig = z.output<typeof ServiceConfigSchema>;

/**
 * The start-up warning for a hub reached over plain http:// on another machine, or null. Such a
 * link carries this till's token and its sales in clear over the LAN, and whoever holds the token
 * can write as this till (and, if the owner gave it the refund right, ask store refunds up to its
 * cap). Refund requests from the hub are signed (core/hub/refund-signature.ts), so the link cannot
 * inject refunds here. A warning rather than a refusal: refusing would stop the tills of every
 * store whose hub sits on the LAN without TLS from forwarding the moment they upgrade. Loopback
 * (a hub on this machine) never leaves it.
 */
export function plainHttpHubWarning(hubUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(hubUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:') return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)) return null;
  return (
    `the store hub ${url.origin} is reached over plain http: this till's hub token and sales cross the LAN ` +
    `unencrypted. Put TLS in front of the hub and use its https:// address (docs/scale.md, "Transport")`
  );
}

/** `scanpay serve --hub URL --hub-token T`, checked like config `hub`; problems name the option, never the token. */
export function parseHubOption(hub: { url: string; token: string }): NonNullable<ServiceConfig['hub']> {
  const result = ServiceConfigSchema.shape.hub.unwrap().safeParse(hub);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    key: `hub.${issue.path.map(String).join('.')}`,
    problem: issue.message,
  }));
  throw new ConfigError(
    'config_invalid',
    `the --hub options are invalid: ${issues.map((i) => `${i.key}: ${i.problem}`).join('; ')}`,
    { issues },
  );
}
export type ServiceConfigInput = z.input<typeof ServiceConfigSchema>;
export type PaidActionConfig = z.output<typeof paidAction>;
export type MerchantConfig = z.output<typeof merchant>;
