/**
 * The one contract between the UI and the service. The Electron preload, the headless HTTP bridge
 * and the renderer all use these names and types; the service implements `ScanPayApi`, and every
 * call from outside goes through its one invoker (schema, access policy: docs/security.md).
 * Each operation is `POST /api/<name>` with a JSON body on the headless service, and one IPC
 * channel in Electron. IPC returns `CallResult` so a typed error (code + message) crosses intact;
 * over HTTP the till's operations answer the same `{ok, value}` / `{ok:false, code, message, error}`,
 * and vk-uni-pay's five operations answer its flat shape (`VkAnswer`, below).
 */
import type { Disposer } from '../disposer.ts';
import type { ErrorShape } from '../errors.ts';
import type {
  BeginSaleRequest,
  CashSaleRequest,
  CloseOrderRequest,
  CloseShiftRequest,
  CreatePaymentRequest,
  EmptyRequest,
  ExportOrdersRequest,
  FindStoreOrderRequest,
  ListOrdersRequest,
  OpenShiftRequest,
  OrderRefRequest,
  QrStartRequest,
  QueryPaymentRequest,
  QueryRefundRequest,
  RefundRequest,
  ResolveHeldPaidActionRequest,
  SettleAttentionRequest,
  StoreRefundRequest,
  SubmitScanRequest,
  UpdateSettingsRequest,
  VerifyPinRequest,
} from './api-schemas.ts';
import type { PeripheralsApi, PeripheralsEvent } from './peripherals-contract.ts';
import type {
  DecideDiscrepancyRequest,
  ExportReconcileRequest,
  ReconcileDayRequest,
} from './reconcile-schemas.ts';
import type { DaySummary, ReconcileItem } from './reconcile-views.ts';
import type {
  AttemptView,
  AttentionEvidenceView,
  HealthView,
  HeldPaidActionView,
  OrderDetailView,
  OrderStatus,
  OrderView,
  ProviderName,
  QrDisplayView,
  RefundView,
  RefusedRefundView,
  SaleView,
  ScannerStatusView,
  ScanView,
  SettingsView,
  SettledAttentionView,
  ShiftView,
  Tender,
  ZReportView,
} from './views.ts';

export interface CreatePaymentResult {
  readonly out_trade_no: string;
  readonly provider: ProviderName;
  readonly pay_type: 'micropay' | 'native';
  readonly needQRcode: boolean;
  /** QR mode: the code for the customer to scan (code_url / qr_code). */
  readonly orderInfo: { readonly code_url?: string } | null;
  readonly qrcodeImage: string | null;
  readonly total_fee: number;
  readonly platform: 'scanpay-kiosk';
  /** Micropay: the attempt as it stands when the call returns (may still be polling). */
  readonly attempt: AttemptView;
}

export interface QueryPaymentResult {
  readonly orderPaid: boolean;
  readonly user_order_success: boolean | null;
  readonly out_trade_no: string;
  readonly transaction_id: string | null;
  readonly status: OrderStatus;
  readonly payOrder?: OrderView;
  readonly message: string;
}

export interface RefundResult {
  readonly out_trade_no: string;
  readonly out_refund_no: string;
  readonly refund_fee: number;
  readonly status: RefundView['status'];
  readonly order: OrderView;
}

/**
 * A sale as the store hub holds it (findStoreOrder): which till sold it, when, how much, how much is
 * already refunded. Only what a refund needs: no cashier, no provider transaction id.
 */
export interface StoreOrderView {
  readonly terminal_id: string;
  readonly order_no: string;
  readonly total_fee: number;
  readonly refunded_fee: number;
  readonly status: OrderStatus;
  readonly tender: Tender | null;
  readonly paid_at: number | null;
  readonly created_at: number;
}

/** The hub took the refund; the till that sold the order makes it with this out_refund_no. */
export interface StoreRefundResult {
  readonly request_id: string;
  readonly terminal_id: string;
  readonly order_no: string;
  readonly out_refund_no: string;
  readonly refund_fee: number;
  /** requested, then succeeded / failed / refused as the selling till reports. */
  readonly state: string;
}

export interface QueryRefundResult {
  readonly out_trade_no: string;
  readonly refunds: readonly RefundView[];
  readonly refunded_fee: number;
  readonly status: OrderStatus;
}

export interface ListOrdersResult {
  readonly orders: readonly OrderView[];
  readonly total: number;
  readonly page: number;
  readonly page_size: number;
}

export interface OrdersExport {
  /** e.g. `scanpay-orders-T01-20261123-1800.csv` */
  readonly filename: string;
  /** UTF-8 CSV with a BOM, one row per order (see core/service/orders-csv.ts). */
  readonly csv: string;
  readonly count: number;
}

export interface ScanPayApi extends PeripheralsApi {
  createPayment(request: CreatePaymentRequest): Promise<CreatePaymentResult>;
  queryPayment(request: QueryPaymentRequest): Promise<QueryPaymentResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
  queryRefund(request: QueryRefundRequest): Promise<QueryRefundResult>;
  /** Refund a sale made at another till of the store, through the store hub (supervisor, like refund). */
  storeRefund(request: StoreRefundRequest): Promise<StoreRefundResult>;
  /** Look a sale of any till up at the store hub by its order number (for storeRefund). */
  findStoreOrder(request: FindStoreOrderRequest): Promise<{ readonly orders: readonly StoreOrderView[] }>;
  closeOrder(request: CloseOrderRequest): Promise<OrderView>;
  listOrders(request: ListOrdersRequest): Promise<ListOrdersResult>;
  /** Every order matching the filters as CSV, for bookkeeping (also `GET /api/orders.csv`). */
  exportOrders(request: ExportOrdersRequest): Promise<OrdersExport>;
  getOrder(request: OrderRefRequest): Promise<OrderDetailView>;
  /** Cashier's manual stop: the live attempt goes to reversal at once. */
  stopAttempt(request: OrderRefRequest): Promise<AttemptView>;
  /** Retry an attempt that needs attention (e.g. after the network came back). */
  retryAttempt(request: OrderRefRequest): Promise<AttemptView>;
  listUnresolved(request: EmptyRequest): Promise<readonly AttemptView[]>;
  /** The provider's answer now about a payment on the 待处理 list (core/service/api/attention.ts). */
  checkAttention(request: OrderRefRequest): Promise<AttentionEvidenceView>;
  /** A supervisor books, closes or refunds it, as that answer allows; journaled with who and why. */
  settleAttention(request: SettleAttentionRequest): Promise<SettledAttentionView>;
  /** Supervisors' refunds the provider refused as final, waiting on 待处理 (core/service/api/attention.ts). */
  listRefusedRefunds(request: EmptyRequest): Promise<readonly RefusedRefundView[]>;
  /** Paid actions held after a crash, waiting for a supervisor (core/service/api/held-paid-actions.ts). */
  listHeldPaidActions(request: EmptyRequest): Promise<readonly HeldPaidActionView[]>;
  /** A supervisor runs a held paid action again or marks it done; journaled with who and why. */
  resolveHeldPaidAction(request: ResolveHeldPaidActionRequest): Promise<HeldPaidActionView>;
  beginSale(request: BeginSaleRequest): Promise<SaleView>;
  cancelSale(request: EmptyRequest): Promise<SaleView>;
  getSale(request: EmptyRequest): Promise<SaleView>;
  submitScan(request: SubmitScanRequest): Promise<ScanView>;
  openShift(request: OpenShiftRequest): Promise<ShiftView>;
  recordCashSale(request: CashSaleRequest): Promise<OrderView>;
  currentShift(request: EmptyRequest): Promise<ShiftView | null>;
  closeShift(request: CloseShiftRequest): Promise<ZReportView>;
  verifyPin(request: VerifyPinRequest): Promise<{ readonly ok: boolean }>;
  getSettings(request: EmptyRequest): Promise<SettingsView>;
  updateSettings(request: UpdateSettingsRequest): Promise<SettingsView>;
  qrStart(request: QrStartRequest): Promise<QrDisplayView>;
  qrState(request: EmptyRequest): Promise<QrDisplayView>;
  qrCancel(request: EmptyRequest): Promise<QrDisplayView>;
  health(request: EmptyRequest): Promise<HealthView>;
  /** 对账: a day against the providers' bills, as recorded or reconciled now (core/service/api/reconcile.ts). */
  reconcileDay(request: ReconcileDayRequest): Promise<DaySummary>;
  decideDiscrepancy(request: DecideDiscrepancyRequest): Promise<ReconcileItem>;
  exportReconcile(request: ExportReconcileRequest): Promise<OrdersExport>;
}

export type OperationName = keyof ScanPayApi;
export type OperationRequest<K extends OperationName> = Parameters<ScanPayApi[K]>[0];
export type OperationResult<K extends OperationName> = Awaited<ReturnType<ScanPayApi[K]>>;

/** What crosses IPC / HTTP: errors are data, so their code survives (Electron passes only a thrown error's message). */
export type CallResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ErrorShape };

/**
 * What `POST /api/{createPayment,queryPayment,refund,queryRefund,closeOrder}` answer over HTTP: the
 * flat shape of vk-uni-pay (`res.code === 0`, then `res.orderPaid`, `res.status`… at the top level).
 * A failure has a non-zero `code` (the HTTP status), `msg`, and the stable `error_code`. The till's
 * other operations answer `{ok:true,value}` / `{ok:false,code,message,error}`; IPC always uses CallResult.
 */
export type VkAnswer<T> =
  | (T & { readonly code: 0; readonly msg: string })
  | {
      readonly code: number;
      readonly msg: string;
      readonly error_code: string;
      readonly error: ErrorShape;
    };

/** The operations that answer in vk-uni-pay's flat shape over HTTP. */
export const VK_OPERATION_NAMES = [
  'createPayment',
  'queryPayment',
  'refund',
  'queryRefund',
  'closeOrder',
] as const satisfies readonly OperationName[];

/** Events pushed to every UI on one channel (IPC `scanpay:event`, SSE `GET /api/events`). */
export type ServiceEvent =
  | { readonly kind: 'attempt'; readonly attempt: AttemptView }
  | { readonly kind: 'order'; readonly order: OrderView }
  | { readonly kind: 'sale'; readonly sale: SaleView }
  | { readonly kind: 'scan'; readonly scan: ScanView }
  | { readonly kind: 'scanner_status'; readonly scanner: ScannerStatusView }
  | { readonly kind: 'health'; readonly health: HealthView }
  | { readonly kind: 'shift'; readonly shift: ShiftView | null }
  | { readonly kind: 'qr'; readonly qr: QrDisplayView }
  /** The settings changed while running (a store config applied live): read getSettings again. */
  | { readonly kind: 'settings' }
  | PeripheralsEvent;

export type { Disposer } from '../disposer.ts';

/** What the renderer holds: the same shape whether Electron's preload or the HTTP bridge provides it. */
export interface ScanPayBridge {
  call<K extends OperationName>(name: K, request: OperationRequest<K>): Promise<OperationResult<K>>;
  subscribe(listener: (event: ServiceEvent) => void): Disposer;
  /** Electron only: keyboard-wedge scans are captured in the main process. Absent in the browser. */
  readonly capturesWedgeInMain: boolean;
}

/** The global the Electron preload exposes through contextBridge. */
export interface PreloadApi {
  invoke(name: OperationName, request: unknown): Promise<CallResult<unknown>>;
  onEvent(listener: (event: ServiceEvent) => void): Disposer;
}

export const IPC_INVOKE_CHANNEL = 'scanpay:invoke';
export const IPC_EVENT_CHANNEL = 'scanpay:event';
export const PRELOAD_GLOBAL = 'scanpay';
