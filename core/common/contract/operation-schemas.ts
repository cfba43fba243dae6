/** Operation name → request schema: the service's HTTP router and the Electron IPC handler validate with this one table. */
import type { z } from 'zod';
import type { OperationName } from './api-contract.ts';
import * as S from './api-schemas.ts';
import { PERIPHERAL_OPERATION_SCHEMAS } from './peripherals-contract.ts';

export const OPERATION_SCHEMAS: { readonly [K in OperationName]: z.ZodType } = {
  createPayment: S.CreatePaymentRequest,
  queryPayment: S.QueryPaymentRequest,
  refund: S.RefundRequest,
  queryRefund: S.QueryRefundRequest,
  closeOrder: S.CloseOrderRequest,
  listOrders: S.ListOrdersRequest,
  exportOrders: S.ExportOrdersRequest,
  getOrder: S.OrderRefRequest,
  stopAttempt: S.OrderRefRequest,
  retryAttempt: S.OrderRefRequest,
  listUnresolved: S.EmptyRequest,
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
  ...PERIPHERAL_OPERATION_SCHEMAS,
};
