/**
 * Operation name → request schema: the one invoker (core/service/api/operation-invoker.ts), which both
 * the HTTP API and Electron IPC go through, validates with this table. Each entry is typed against the
 * contract (a schema whose input differs from the operation's request type fails to compile), and the
 * operation names are derived from the table, so a new operation cannot be listed without a schema.
 */
import type { z } from 'zod';
import type { OperationName, OperationRequest } from './api-contract.ts';
import * as S from './api-schemas.ts';
import { PERIPHERAL_OPERATION_SCHEMAS } from './peripherals-contract.ts';
import * as R from './reconcile-schemas.ts';

export const OPERATION_SCHEMAS = {
  createPayment: S.CreatePaymentRequest,
  queryPayment: S.QueryPaymentRequest,
  refund: S.RefundRequest,
  queryRefund: S.QueryRefundRequest,
  storeRefund: S.StoreRefundRequest,
  findStoreOrder: S.FindStoreOrderRequest,
  closeOrder: S.CloseOrderRequest,
  listOrders: S.ListOrdersRequest,
  exportOrders: S.ExportOrdersRequest,
  getOrder: S.OrderRefRequest,
  stopAttempt: S.OrderRefRequest,
  retryAttempt: S.OrderRefRequest,
  listUnresolved: S.EmptyRequest,
  checkAttention: S.OrderRefRequest,
  settleAttention: S.SettleAttentionRequest,
  listHeldPaidActions: S.EmptyRequest,
  listRefusedRefunds: S.EmptyRequest,
  resolveHeldPaidAction: S.ResolveHeldPaidActionRequest,
  beginSale: S.BeginSaleRequest,
  cancelSale: S.EmptyRequest,
  getSale: S.EmptyRequest,
  submitScan: S.SubmitScanRequest,
  openShift: S.OpenShiftRequest,
  recordCashSale: S.CashSaleRequest,
  currentShift: S.EmptyRequest,
  closeShift: S.CloseShiftRequest,
  verifyPin: S.VerifyPinRequest,
  getSettings: S.EmptyRequest,
  updateSettings: S.UpdateSettingsRequest,
  qrStart: S.QrStartRequest,
  qrState: S.EmptyRequest,
  qrCancel: S.EmptyRequest,
  health: S.EmptyRequest,
  reconcileDay: R.ReconcileDayRequest,
  decideDiscrepancy: R.DecideDiscrepancyRequest,
  exportReconcile: R.ExportReconcileRequest,
  ...PERIPHERAL_OPERATION_SCHEMAS,
} as const satisfies { readonly [K in OperationName]: z.ZodType<unknown, OperationRequest<K>> };

export const OPERATION_NAMES = Object.keys(OPERATION_SCHEMAS) as readonly OperationName[];

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(OPERATION_SCHEMAS, name);
}
