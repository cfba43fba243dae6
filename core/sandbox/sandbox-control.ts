/**
 * The /_sandbox/* control API: the customers' phones (issue a payment code, confirm or give up at
 * the password box, scan a QR order), fault settings, the sandbox clock, the truth about trades, and
 * the sandbox's public credentials (GET /_sandbox/credentials, for a service joining it by URL).
 * JSON in and out, validated with zod; never subject to faults.
 */
import { z } from 'zod';
import { PROVIDERS } from '../ports/payment-gateway.ts';
import { faultConfigSchema, parseFaultConfig } from './faults.ts';
import type { SandboxReply, SandboxRequest } from './http-server.ts';
import type { SandboxLedger } from './ledger.ts';
import type { SandboxCredentials } from './sandbox-credentials.ts';
import { WALLET_BEHAVIOURS, WALLETS } from './wallet-behaviours.ts';

const JSON_TYPE = 'application/json; charset=utf-8';
const MAX_CONFIRM_AFTER_MS = 24 * 60 * 60 * 1000;
const MAX_ADVANCE_MS = 366 * 24 * 60 * 60 * 1000;

const confirmAfter = z.number().int().min(0).max(MAX_CONFIRM_AFTER_MS).optional();

const IssueCode = z.object({
  wallet: z.enum(WALLETS),
  behavior: z.enum(WALLET_BEHAVIOURS).default('instant'),
  confirm_after_ms: confirmAfter,
});
const AuthCodeBody = z.object({ authCode: z.string().min(1).max(64) });
const Scan = z.object({
  qr: z.string().min(1).max(512),
  behavior: z.enum(WALLET_BEHAVIOURS).default('instant'),
  confirm_after_ms: confirmAfter,
});
const PayLate = z.object({ provider: z.enum(PROVIDERS), out_trade_no: z.string().min(1).max(64) });
const Advance = z.object({ ms: z.number().int().min(0).max(MAX_ADVANCE_MS) });

function json(status: number, value: unknown): SandboxReply {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(value) };
}

function badRequest(message: string): SandboxReply {
  return json(400, { error: 'bad_request', message });
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reply: SandboxReply };

function parseBody<T>(request: SandboxRequest, schema: z.ZodType<T>): Parsed<T> {
  let raw: unknown;
  try {
    raw = request.body.trim() === '' ? {} : JSON.parse(request.body);
  } catch {
    return { ok: false, reply: badRequest('the body must be JSON') };
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || 'body';
    return { ok: false, reply: badRequest(`${where}: ${issue?.message ?? 'invalid'}`) };
  }
  return { ok: true, value: result.data };
}

/** Where the sandbox listens and its public credentials, known once both servers are up. */
export interface ControlEndpoints {
  readonly url: string;
  readonly secapiUrl: string;
  readonly credentials: SandboxCredentials;
}

export function createControlHandler(ledger: SandboxLedger, endpoints: () => ControlEndpoints | undefined) {
  const routes: Readonly<Record<string, (request: SandboxRequest) => SandboxReply>> = {
    'GET /_sandbox/health': () => json(200, { ok: true }),
    // Public sandbox values (keys/README.md), so a service can join a sandbox started elsewhere.
    'GET /_sandbox/credentials': () => {
      const known = endpoints();
      if (!known) return json(503, { error: 'starting', message: 'the sandbox is still starting' });
      return json(200, { url: known.url, secapi_url: known.secapiUrl, credentials: known.credentials });
    },
    'GET /_sandbox/trades': () => json(200, { trades: ledger.trades() }),
    'POST /_sandbox/wallet/codes': (request) => {
      const body = parseBody(request, IssueCode);
      if (!body.ok) return body.reply;
      const { wallet, behavior, confirm_after_ms } = body.value;
      const issued = ledger.issueCode({
        wallet,
        behavior,
        ...(confirm_after_ms === undefined ? {} : { confirmAfterMs: confirm_after_ms }),
      });
      return json(200, { authCode: issued.authCode, wallet, behavior, expires_in_ms: ledger.codeTtlMs });
    },
    'POST /_sandbox/wallet/confirm': (request) => {
      const body = parseBody(request, AuthCodeBody);
      if (!body.ok) return body.reply;
      const result = ledger.confirm(body.value.authCode);
      return result.kind === 'ok'
        ? json(200, { ok: true, state: result.state })
        : json(409, { error: 'conflict', message: result.error });
    },
    'POST /_sandbox/wallet/cancel': (request) => {
      const body = parseBody(request, AuthCodeBody);
      if (!body.ok) return body.reply;
      const result = ledger.cancel(body.value.authCode);
      return result.kind === 'ok'
        ? json(200, { ok: true, state: result.state })
        : json(409, { error: 'conflict', message: result.error });
    },
    'POST /_sandbox/wallet/scan': (request) => {
      const body = parseBody(request, Scan);
      if (!body.ok) return body.reply;
      const { qr, behavior, confirm_after_ms } = body.value;
      const result = ledger.scanQr({
        qr,
        behavior,
        ...(confirm_after_ms === undefined ? {} : { confirmAfterMs: confirm_after_ms }),
      });
      if (result.kind === 'error') return json(409, { error: 'conflict', message: result.error });
      return json(200, {
        ok: result.kind !== 'payment_failed',
        state: result.trade.state,
        authCode: result.authCode,
        provider: result.trade.provider,
        out_trade_no: result.trade.out_trade_no,
        ...(result.kind === 'payment_failed' ? { message: result.reason } : {}),
      });
    },
    // A failed payment the provider takes after all: one order paid twice (the 待处理 list's tests).
    'POST /_sandbox/trades/pay-late': (request) => {
      const body = parseBody(request, PayLate);
      if (!body.ok) return body.reply;
      const result = ledger.payLate(body.value.provider, body.value.out_trade_no);
      if (result.kind === 'error') return json(409, { error: 'conflict', message: result.error });
      return json(200, { ok: true, state: result.trade.state, transaction_id: result.trade.transaction_id });
    },
    'POST /_sandbox/faults': (request) => {
      const body = parseBody(request, faultConfigSchema);
      if (!body.ok) return body.reply;
      const config = parseFaultConfig(body.value);
      ledger.setFaults(config);
      return json(200, { ok: true, faults: config });
    },
    'POST /_sandbox/time/advance': (request) => {
      const body = parseBody(request, Advance);
      if (!body.ok) return body.reply;
      ledger.advanceTime(body.value.ms);
      return json(200, {
        ok: true,
        now: new Date(ledger.clock.now()).toISOString(),
        offset_ms: ledger.clock.offsetMs,
      });
    },
  };

  return function handleControl(request: SandboxRequest): SandboxReply {
    const route = routes[`${request.method} ${request.path}`];
    if (route) return route(request);
    const known = Object.keys(routes).some((key) => key.endsWith(` ${request.path}`));
    return known
      ? json(405, { error: 'method_not_allowed', message: `wrong method for ${request.path}` })
      : json(404, { error: 'not_found', message: `no such sandbox endpoint: ${request.path}` });
  };
}
