/**
 * Every error code core can return, in one list: the error classes (errors.ts) accept only these,
 * and both renderer catalogs (renderer/src/i18n/) must hold a text for each, so a new code is a
 * compile error until it has one, and a catalog entry for a code nobody produces is one too.
 *
 * Grouped by where the codes come from; each group that a module needs on its own (scan rejects,
 * access checks, journal, updates) is exported for it. Provider codes (WeChat err_code, Alipay
 * sub_code) are not here: they stay inside their adapter, which maps them to a DeclineReason
 * (core/common/decline-reasons.ts).
 */

/** A scanned string that is not a usable payment code (core/common/recognition). */
export const RECOGNITION_ERROR_CODES = [
  'code_empty',
  'code_has_letters',
  'code_has_invalid_characters',
  'code_is_product_barcode',
  'code_too_short',
  'code_too_long',
  'code_unknown_prefix',
  'wallet_not_supported',
] as const;

/**
 * Input a scanner source refused (core/ports/scanner-source.ts):
 * - scan_report_id: a HID report whose report id is not the layout's scan report id
 * - scan_length_mismatch: a HID report whose length byte disagrees with the report (overruns it)
 * - scan_incomplete: a code whose continuation report, terminator or keys never came (cut off)
 * - scan_too_long: longer than the configured maximum
 * - scan_garbled: control bytes or invalid text (noise, wrong baud rate, wrong layout)
 * - wedge_alt_numpad: the wedge scanner types Alt+numpad sequences (turn that mode off)
 */
export const SCAN_REJECT_CODES = [
  'scan_report_id',
  'scan_length_mismatch',
  'scan_incomplete',
  'scan_too_long',
  'scan_garbled',
  'wedge_alt_numpad',
] as const;

/** The local API's access checks and request guards (docs/security.md). */
export const ACCESS_ERROR_CODES = [
  'permission_denied',
  'pin_required',
  'pin_invalid',
  'pin_change_required',
  'pin_retry_later',
  'api_key_invalid',
  'token_required',
  'session_expired',
  'ticket_invalid',
  'auth_untrusted_sender',
  'origin_not_allowed',
  'host_not_allowed',
  'content_type_not_json',
  'path_invalid',
  'body_too_large',
  'body_invalid',
  'method_not_allowed',
  'operation_unknown',
  'validation_failed',
  'internal_error',
  'listen_failed',
] as const;

/** The journal (core/journal/journal-errors.ts says when each is raised). */
export const JOURNAL_ERROR_CODES = [
  'journal_missing',
  'journal_empty',
  'journal_damaged',
  'journal_inaccessible',
  'journal_too_new',
  'journal_unrecognised',
  'journal_unavailable',
] as const;

/** A downloaded update that must not be installed (core/release/update-signature.ts). */
export const UPDATE_REFUSAL_CODES = [
  /** The server has no `<file>.sig` for the package. */
  'update_unsigned',
  /** A signature exists but does not prove the package is ours, for this version, byte for byte. */
  'update_signature_invalid',
  /** The signature could not be fetched (network, 5xx): not a verdict, the next check tries again. */
  'update_signature_unavailable',
] as const;

/** Orders, payments and refunds (engine, till, QR display, request checks before a provider call). */
export const PAYMENT_ERROR_CODES = [
  'amount_invalid',
  /** 交班 without the counted cash: an empty field is not a count of zero. */
  'cash_count_missing',
  'amount_not_integer',
  'amount_not_positive',
  'amount_too_large',
  /** A new order priced below the floor of the paid action its type runs (core/service/paid-actions/price-floors.ts). */
  'total_fee_below_floor',
  'subject_missing',
  'subject_too_long',
  'type_invalid',
  'out_trade_no_invalid',
  'out_trade_no_used',
  'order_no_exhausted',
  'auth_code_invalid',
  'auth_code_reused',
  'merchant_unknown',
  'provider_not_configured',
  'order_not_found',
  'order_already_paid',
  'order_closed',
  'attempt_not_found',
  'attempt_unresolved',
  'no_live_attempt',
  'nothing_to_retry',
  'nothing_to_settle',
  /**
   * Settling a paid_after_final attempt whose order another attempt already paid: the customer paid
   * twice; this payment is refunded by itself with refund_payment (core/engine/second-payment-refund.ts).
   */
  'paid_twice',
  /** refund_payment for an attempt that is not a second payment of an order another attempt paid. */
  'not_paid_twice',
  /** A held paid action's decision for an order whose action is not held (and was not decided so before). */
  'paid_action_not_held',
  'settle_not_confirmed',
  /**
   * book_paid or mark_refund for a payment the provider says was refunded (outside the till): the
   * money went back, so it is neither booked nor refunded again; close_unpaid clears it.
   */
  'settle_payment_refunded',
  'shutting_down',
  'export_too_large',
  'refund_fee_invalid',
  'refund_exceeds_paid',
  'refund_exceeds_total',
  'out_refund_no_reused',
  /**
   * A new refund (a new out_refund_no) for an order while one of its refunds has no answer from the
   * provider yet: it may still be taken, so a second could refund twice. Wait, or repeat that one.
   */
  'refund_in_flight',
  /**
   * A refund of money a supervisor recorded as refunded another way (cash, the merchant portal) after
   * the provider refused the refund (close_refund, core/engine/refused-refunds.ts): it would refund twice.
   */
  'refund_settled_elsewhere',
  'out_refund_no_invalid',
  'order_not_paid',
  'order_fully_refunded',
  'cash_refund',
  'no_sale',
  'no_open_shift',
  'shift_already_open',
  'shift_not_found',
  'qr_in_progress',
  'product_missing',
  'sandbox_unreachable',
] as const;

/**
 * Why an attempt failed or needs a human (AttemptView.failure / .attention), where the cause is ours
 * and not a provider's decline.
 */
export const ATTEMPT_PROBLEM_CODES = [
  'amount_mismatch',
  'provider_unreachable',
  'provider_order_id_missing',
  /** Not an attempt's problem but the status's warning: a provider's signed reply is >5 min off our clock. */
  'clock_skew',
  'reversal_not_confirmed',
  'reversal_exhausted',
  'reversal_refused',
  'close_failed',
  'closed_by_provider',
  'journal_snapshot_unreadable',
  'merchant_not_configured',
  /**
   * The provider confirms a payment for an attempt our journal had ended closed or failed (the sale did
   * not happen here): a supervisor books it or refunds it (core/engine/attention-settler.ts).
   */
  'paid_after_final',
] as const;

/**
 * Configuration read at start (config.json, secrets, gateways).
 * - terminal_id_changed: config.json's terminal_id is not the id the changes still waiting for the
 *   store hub were made under; start under the old id until the hub has them
 *   (core/service/hub-outbox-terminal.ts)
 */
export const CONFIG_ERROR_CODES = [
  'config_invalid',
  'config_unreadable',
  'config_secret_missing',
  'config_secret_unreadable',
  'keychain_unavailable',
  'gateway_config_invalid',
  'gateway_provider_unknown',
  'sandbox_unavailable',
  'access_token_required',
  'terminal_id_changed',
] as const;

/** The command line's own tools (listen, backup, sign-release) and the sandbox's control API. */
export const TOOL_ERROR_CODES = [
  'listen_bad_flag',
  'listen_hid_flag',
  'listen_no_scanner',
  'hid_unavailable',
  'hid_replay_bad_line',
  'hid_replay_empty',
  'hid_replay_unreadable',
  'backup_exists',
  'backup_corrupt',
  'release_key_missing',
  'release_key_unreadable',
  'release_key_invalid',
  'sign_release_usage',
  'sandbox_faults_invalid',
] as const;

/** Daily reconciliation against the providers' bills (core/reconcile, the bill adapters). */
export const RECONCILE_ERROR_CODES = [
  'bill_unreadable',
  'reconcile_action_invalid',
  'reconcile_action_not_allowed',
  'reconcile_date_invalid',
  'reconcile_item_not_found',
  'reconcile_note_required',
  'reconcile_pid_unknown',
  'reconcile_time_invalid',
] as const;

/** Store peripherals: receipt printer, drawer, pole display, cash tendered (core/peripherals). */
export const PERIPHERAL_ERROR_CODES = [
  'cash_tendered_short',
  'pole_display_unreachable',
  'printer_not_configured',
  'printer_unreachable',
  'receipt_order_not_paid',
] as const;

/**
 * A refund asked through the store hub for a sale made at another till (core/service/api/hub-refunds.ts):
 * - hub_not_configured: this till does not forward to a hub
 * - hub_unreachable: the hub could not be reached (nothing was asked: try again)
 * - hub_no_answer: the ask was sent but no readable answer came (timeout, reset, 5xx): it may have been
 *   taken, so it is asked again with the same request_id, which the hub answers without a second refund
 * - hub_refund_refused: the hub refused it (no such order there, not paid, more than is left)
 * - hub_refund_not_granted: the owner has not given this till the refund right at the hub (an
 *   unattended device's token must not refund the store's sales), so nothing was looked up or asked
 * - hub_refund_cap_reached: this till's refunds of other tills' sales would pass its daily cap
 */
export const HUB_ERROR_CODES = [
  'hub_not_configured',
  'hub_unreachable',
  'hub_no_answer',
  'hub_refund_refused',
  'hub_refund_not_granted',
  'hub_refund_cap_reached',
] as const;

/** Raised by the UI's own bridge to the service (renderer/src/bridge). */
export const CLIENT_ERROR_CODES = ['service_unreachable', 'service_bad_reply'] as const;

export const ERROR_CODES = [
  ...RECOGNITION_ERROR_CODES,
  ...SCAN_REJECT_CODES,
  ...ACCESS_ERROR_CODES,
  ...JOURNAL_ERROR_CODES,
  ...UPDATE_REFUSAL_CODES,
  ...PAYMENT_ERROR_CODES,
  ...ATTEMPT_PROBLEM_CODES,
  ...CONFIG_ERROR_CODES,
  ...TOOL_ERROR_CODES,
  ...RECONCILE_ERROR_CODES,
  ...PERIPHERAL_ERROR_CODES,
  ...HUB_ERROR_CODES,
  ...CLIENT_ERROR_CODES,
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
export type RecognitionErrorCode = (typeof RECOGNITION_ERROR_CODES)[number];
export type ScanRejectCode = (typeof SCAN_REJECT_CODES)[number];
export type AccessErrorCode = (typeof ACCESS_ERROR_CODES)[number];
export type JournalErrorCode = (typeof JOURNAL_ERROR_CODES)[number];
export type UpdateRefusalCode = (typeof UPDATE_REFUSAL_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

/** Whether a code read from outside (a reply, a stored row) is one of ours. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN.has(value);
}
