/**
 * The ScanPayApi a kiosk service answers, assembled from each operation module's slice, and the
 * invoker every call from outside goes through (schema, access policy, then the operation), with the
 * report of an unexpected error that blanks the configured secrets. Composed by ./kiosk-service.ts.
 */
import type { ScanPayApi } from '../common/contract/api-contract.ts';
import type { EngineLogger } from '../engine/engine-deps.ts';
import { AccessPolicy } from './api/access-policy.ts';
import { attentionOperations } from './api/attention.ts';
import { heldPaidActionOperations } from './api/held-paid-actions.ts';
import { hubRefundOperations } from './api/hub-refunds.ts';
import { createOperationInvoker, type OperationInvoker } from './api/operation-invoker.ts';
import { orderOperations } from './api/orders.ts';
import { paymentOperations } from './api/payments.ts';
import { PinAttempts } from './api/pin-attempts.ts';
import { qrOperations } from './api/qr.ts';
import { createReconcileApi } from './api/reconcile.ts';
import { redactSecrets, serviceSecrets } from './api/redact-secrets.ts';
import { refundOperations } from './api/refunds.ts';
import type { ServiceParts } from './api/service-parts.ts';
import { settingsOperations } from './api/settings.ts';
import { shiftOperations } from './api/shifts.ts';
import { tillOperations } from './api/till.ts';
import type { ServiceConfig } from './config/service-config.ts';
import type { RunningPeripherals } from './peripherals/start-peripherals.ts';
import type { ServiceReconciliation } from './reconcile-targets.ts';

export function assembleKioskApi(deps: {
  readonly parts: ServiceParts;
  /** The config at start (hub refunds, reconciliation's terminal id); parts.config follows store configs. */
  readonly config: ServiceConfig;
  readonly reconciliation: ServiceReconciliation;
  readonly peripherals: RunningPeripherals;
  readonly logger: EngineLogger;
}): {
  readonly api: ScanPayApi;
  readonly invoke: OperationInvoker;
  readonly reportInternalError: (where: string, error: unknown) => void;
} {
  const { parts, config, reconciliation, peripherals, logger } = deps;
  const { engine, settings, clock } = parts;
  const api: ScanPayApi = {
    ...paymentOperations(parts),
    ...refundOperations(parts),
    ...hubRefundOperations(config),
    ...orderOperations(parts),
    ...tillOperations(parts),
    ...attentionOperations(parts),
    ...heldPaidActionOperations(parts),
    ...shiftOperations(parts),
    ...settingsOperations(parts),
    ...qrOperations(parts),
    ...createReconcileApi({ reconciliation, clock, terminalId: config.terminal_id }),
    ...peripherals.api({ order: (outTradeNo) => engine.orderView(outTradeNo) }),
  };

  const secrets = serviceSecrets(config);
  const reportInternalError = (where: string, error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    logger.warn('internal error', { where, error: redactSecrets(text, secrets) });
  };
  const invoke = createOperationInvoker({
    api,
    policy: new AccessPolicy({
      pin: {
        matches: (pin) => settings.pinMatches(pin),
        get isDefault() {
          return !settings.pinSet;
        },
      },
      attempts: new PinAttempts(),
      clock,
    }),
    onInternalError: (operation, error) => reportInternalError(operation, error),
  });
  return { api, invoke, reportInternalError };
}
