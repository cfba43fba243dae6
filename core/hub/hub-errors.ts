/**
 * The hub's typed errors. The hub is a separate service whose callers are terminals (the
 * forwarder) and the owner's tools, not the till's screens, so its codes live here rather than in
 * core/common/error-codes.ts; the till shows hub trouble only as its status line
 * (core/service/hub-forwarder.ts). Messages never carry a token.
 *
 * - hub_config: bad options, environment or config file (the CLI exits 2)
 * - hub_schema_too_new: the database was migrated by a newer hub release
 * - hub_unauthorized: no or unknown bearer token (HTTP 401)
 * - hub_forbidden: a revoked token, or a terminal writing another terminal's data (HTTP 403)
 * - hub_bad_request: a body or query the hub cannot take (HTTP 400)
 * - hub_not_found: no such route, terminal or order (HTTP 404)
 * - hub_conflict: a refund the order cannot take, or a request_id reused for another (HTTP 409)
 * - hub_refund_not_granted: a till without the refund right looked up or asked a store refund (HTTP 403)
 * - hub_refund_cap_reached: the till's refunds asked today would pass its daily cap (HTTP 409)
 * - hub_refund_unsigned: this hub has no config key, so it cannot sign the refund a till must verify (HTTP 409)
 * - hub_unavailable: anything unexpected, the database away included (HTTP 503: try again later)
 */
export const HUB_ERROR_CODES = [
  'hub_config',
  'hub_schema_too_new',
  'hub_unauthorized',
  'hub_forbidden',
  'hub_bad_request',
  'hub_not_found',
  'hub_conflict',
  'hub_refund_not_granted',
  'hub_refund_cap_reached',
  'hub_refund_unsigned',
  'hub_unavailable',
] as const;

export type HubErrorCode = (typeof HUB_ERROR_CODES)[number];

const HTTP_STATUS: Record<HubErrorCode, number> = {
  hub_config: 500,
  hub_schema_too_new: 500,
  hub_unauthorized: 401,
  hub_forbidden: 403,
  hub_bad_request: 400,
  hub_not_found: 404,
  hub_conflict: 409,
  hub_refund_not_granted: 403,
  hub_refund_cap_reached: 409,
  hub_refund_unsigned: 409,
  hub_unavailable: 503,
};

export class HubError extends Error {
  override readonly name = 'HubError';
  readonly code: HubErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: HubErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  toJSON(): { code: string; message: string; details?: Readonly<Record<string, unknown>> } {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}
