/**
 * Who may do what: the one policy the operation invoker checks before any operation runs
 * (docs/security.md). Callers:
 * - the console: the cashier UI (Electron IPC; the served page with its session; a LAN browser with
 *   the access token). It may pay and query; refunds and settings need the supervisor PIN.
 * - integrators: an API key from config.json with the permissions `pay`, `query`, `refund`, `settings`.
 *   A key with `refund` refunds without a PIN; the PIN itself is changed only with the current PIN.
 * - a plain local call (loopback, no key, no browser): `pay`, `query` and the till's sale operations,
 *   so scripts and the README's curl example work; never `refund` or `settings`.
 * While the default PIN 0000 is set, every supervisor action except choosing a new PIN is refused with
 * `pin_change_required`. Wrong PINs slow the client that sent them (pin-attempts.ts).
 */
import type { OperationName, OperationRequest } from '../../common/contract/api-contract.ts';
import { AuthError, ForbiddenError, TooManyTriesError } from '../../common/errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { PinAttempts } from './pin-attempts.ts';

export type Permission = 'pay' | 'query' | 'refund' | 'settings';

export type Caller =
  | { readonly kind: 'console'; readonly client: string }
  | {
      readonly kind: 'integrator';
      readonly keyId: string;
      readonly permissions: readonly Permission[];
      readonly client: string;
    }
  | { readonly kind: 'local'; readonly client: string };

/** The cashier UI on this terminal (Electron IPC, or the page served to this machine). */
export const CONSOLE_CALLER: Caller = { kind: 'console', client: 'console' };

/** What each operation needs. `refund` and `settings` are supervisor rights: a PIN or a key that grants them. */
export const OPERATION_PERMISSIONS: { readonly [K in OperationName]: Permission } = {
  createPayment: 'pay',
  queryPayment: 'query',
  refund: 'refund',
  queryRefund: 'query',
  // Another till's sale, through the store hub: the same supervisor right as a refund here.
  storeRefund: 'refund',
  // Reading one sale of the store by its number, before the supervisor's PIN: like getOrder here.
  findStoreOrder: 'query',
  closeOrder: 'pay',
  listOrders: 'query',
  exportOrders: 'query',
  getOrder: 'query',
  stopAttempt: 'pay',
  retryAttempt: 'pay',
  listUnresolved: 'query',
  checkAttention: 'query',
  // Booking, closing or refunding a payment a person must decide on: the supervisor's.
  settleAttention: 'settings',
  listHeldPaidActions: 'query',
  listRefusedRefunds: 'query',
  // Running a paid action again (a chair starts) or marking it done: the supervisor's.
  resolveHeldPaidAction: 'settings',
  beginSale: 'pay',
  cancelSale: 'pay',
  getSale: 'query',
  submitScan: 'pay',
  openShift: 'pay',
  recordCashSale: 'pay',
  currentShift: 'query',
  closeShift: 'pay',
  verifyPin: 'settings',
  getSettings: 'query',
  updateSettings: 'settings',
  qrStart: 'pay',
  qrState: 'query',
  qrCancel: 'pay',
  health: 'query',
  reconcileDay: 'query',
  // A supervisor's decision on money the bill and the till disagree about.
  decideDiscrepancy: 'settings',
  exportReconcile: 'query',
  getPeripherals: 'query',
  listPrintJobs: 'query',
  reprintReceipt: 'pay',
  printShiftReport: 'pay',
  // Opening the drawer without a sale, and the printer and voice settings: the supervisor's.
  openDrawer: 'settings',
  updatePeripheralSettings: 'settings',
};

/** The supervisor PIN as the policy sees it: a constant-time check, and whether the default is still set. */
export interface SupervisorPin {
  matches(pin: string): boolean;
  readonly isDefault: boolean;
}

export interface AccessPolicyDeps {
  readonly pin: SupervisorPin;
  readonly attempts: PinAttempts;
  readonly clock: Clock;
}

export class AccessPolicy {
  private readonly deps: AccessPolicyDeps;

  constructor(deps: AccessPolicyDeps) {
    this.deps = deps;
  }

  /** Throws the typed error that refuses `caller` this call; returns when it may run. */
  authorize<K extends OperationName>(caller: Caller, name: K, request: OperationRequest<K>): void {
    const needed = OPERATION_PERMISSIONS[name];
    const fields = request as { pin?: string; new_pin?: string };
    const changingPin = name === 'updateSettings' && fields.new_pin !== undefined;
    // A held scan is a code the customer showed to this till: only the till's own screen may charge it.
    if (
      name === 'submitScan' &&
      (request as { held_id?: string }).held_id !== undefined &&
      caller.kind !== 'console'
    )
      throw new ForbiddenError(
        'permission_denied',
        `claiming a held scan refused: only this till's screen may`,
        {
          operation: name,
        },
      );
    if (needed === 'pay' || needed === 'query') {
      if (caller.kind === 'integrator' && !caller.permissions.includes(needed))
        throw denied(caller, name, needed);
      return;
    }
    if (caller.kind === 'local') throw denied(caller, name, needed);
    if (caller.kind === 'integrator') {
      if (!caller.permissions.includes(needed)) throw denied(caller, name, needed);
      // Settling as mark_refund sends money back: a refund, whatever the operation is called.
      if (
        name === 'settleAttention' &&
        (request as { action?: string }).action === 'mark_refund' &&
        !caller.permissions.includes('refund')
      )
        throw denied(caller, name, 'refund');
      // A key may change settings, but the PIN only with the current PIN; and checking a PIN is
      // throttled for every caller, or a key would be an oracle for guessing it.
      if (name === 'verifyPin' || changingPin) this.checkPin(caller, fields.pin, true);
      return;
    }
    // The console: the supervisor's PIN. Choosing a new PIN (and unlocking the screen to do so) is the
    // one thing the default PIN still allows.
    this.checkPin(caller, fields.pin, name === 'verifyPin' || changingPin);
  }

  private checkPin(caller: Caller, pin: string | undefined, defaultAllowed: boolean): void {
    if (pin === undefined || pin === '') throw new AuthError('pin_required', 'this needs the supervisor PIN');
    const now = this.deps.clock.now();
    const wait = this.deps.attempts.waitMs(caller.client, now);
    if (wait > 0) {
      throw new TooManyTriesError(
        'pin_retry_later',
        `too many wrong PINs from this client: try again in ${Math.ceil(wait / 1000)} s`,
        { retry_after_ms: wait },
      );
    }
    if (!this.deps.pin.matches(pin)) {
      // Only the terminal's own UI gets the low cap; a LAN browser with the token is slowed like anyone.
      this.deps.attempts.failed(caller.client, now, caller.client === CONSOLE_CALLER.client);
      throw new AuthError('pin_invalid', 'the supervisor PIN is wrong');
    }
    this.deps.attempts.succeeded(caller.client);
    if (this.deps.pin.isDefault && !defaultAllowed) {
      throw new ForbiddenError(
        'pin_change_required',
        'the supervisor PIN is still the default 0000: choose a new one in Settings first',
      );
    }
  }
}

function denied(caller: Caller, name: OperationName, needed: Permission): ForbiddenError {
  const who =
    caller.kind === 'integrator'
      ? `API key ${caller.keyId} lacks the ${needed} permission`
      : `a local call without a key may not use ${needed}: use the cashier UI with the supervisor PIN, or an API key with ${needed}`;
  return new ForbiddenError('permission_denied', `${name} refused: ${who}`, {
    operation: name,
    needs: needed,
  });
}
