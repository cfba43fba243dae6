/**
 * The store peripherals' part of the UI ↔ service contract: operations (receipt reprint, the
 * 交班报表 printed again, the print queue, the drawer behind the supervisor PIN, peripheral settings), their request schemas, views
 * and the event that carries the printer's state to the status bar. Kept in its own file and merged
 * into ScanPayApi / OPERATION_NAMES / OPERATION_SCHEMAS / ServiceEvent with one line each.
 */
import { z } from 'zod';
import { PIN_MAX_LENGTH } from './pin-rules.ts';

export type PrinterState = 'online' | 'paper_out' | 'cover_open' | 'offline' | 'unreachable' | 'unknown';

export interface PrinterStatusView {
  readonly state: PrinterState;
  readonly paper_low: boolean;
  readonly detail: string | null;
}

export interface PrintJobView {
  readonly id: number;
  readonly kind: 'sale' | 'refund' | 'shift' | 'reprint';
  readonly ref: string | null;
  readonly state: 'pending' | 'printed';
  readonly tries: number;
  readonly last_error: string | null;
  readonly created_at: number;
  readonly printed_at: number | null;
}

export interface PeripheralsView {
  /** Null when no printer is configured. */
  readonly printer: {
    readonly id: string;
    /** Null until the printer was first asked. */
    readonly status: PrinterStatusView | null;
    readonly pending_jobs: number;
  } | null;
  readonly pole_display: { readonly id: string } | null;
  readonly auto_print: boolean;
  readonly voice: { readonly enabled: boolean; readonly volume: number };
}

export const ReprintRequest = z.strictObject({ out_trade_no: z.string().min(1).max(64) });
export type ReprintRequest = z.input<typeof ReprintRequest>;

export const PrintShiftReportRequest = z.strictObject({ shift_id: z.string().min(1).max(64) });
export type PrintShiftReportRequest = z.input<typeof PrintShiftReportRequest>;

export const ListPrintJobsRequest = z.strictObject({ state: z.enum(['pending', 'printed']).optional() });
export type ListPrintJobsRequest = z.input<typeof ListPrintJobsRequest>;

export const OpenDrawerRequest = z.strictObject({
  pin: z.string().min(1, 'the supervisor PIN').max(PIN_MAX_LENGTH),
  /** Who asked (the cashier on duty when omitted). */
  who: z.string().max(32).optional(),
});
export type OpenDrawerRequest = z.input<typeof OpenDrawerRequest>;

export const UpdatePeripheralSettingsRequest = z.strictObject({
  pin: z.string().min(1, 'the supervisor PIN').max(PIN_MAX_LENGTH),
  auto_print: z.boolean().optional(),
  voice_enabled: z.boolean().optional(),
  voice_volume: z.number().int().min(0).max(100).optional(),
});
export type UpdatePeripheralSettingsRequest = z.input<typeof UpdatePeripheralSettingsRequest>;

const EmptyRequest = z.strictObject({});

export interface PeripheralsApi {
  getPeripherals(request: Record<string, never>): Promise<PeripheralsView>;
  /** The print queue, newest first: what waits for the printer and what printed. */
  listPrintJobs(request: ListPrintJobsRequest): Promise<readonly PrintJobView[]>;
  /** Reprint a paid order's receipt (History → 重印). */
  reprintReceipt(request: ReprintRequest): Promise<PrintJobView | null>;
  /** Print a closed shift's 交班报表 again, marked 重印 (the shift screen's print button). */
  printShiftReport(request: PrintShiftReportRequest): Promise<PrintJobView | null>;
  /** Open the drawer without a sale: supervisor PIN, journaled with who. */
  openDrawer(request: OpenDrawerRequest): Promise<{ readonly delivered: boolean }>;
  updatePeripheralSettings(request: UpdatePeripheralSettingsRequest): Promise<PeripheralsView>;
}

export const PERIPHERAL_OPERATION_NAMES = [
  'getPeripherals',
  'listPrintJobs',
  'reprintReceipt',
  'printShiftReport',
  'openDrawer',
  'updatePeripheralSettings',
] as const satisfies readonly (keyof PeripheralsApi)[];

export const PERIPHERAL_OPERATION_SCHEMAS = {
  getPeripherals: EmptyRequest,
  listPrintJobs: ListPrintJobsRequest,
  reprintReceipt: ReprintRequest,
  printShiftReport: PrintShiftReportRequest,
  openDrawer: OpenDrawerRequest,
  updatePeripheralSettings: UpdatePeripheralSettingsRequest,
} as const satisfies {
  readonly [K in keyof PeripheralsApi]: z.ZodType<unknown, Parameters<PeripheralsApi[K]>[0]>;
};

export type PeripheralsEvent = { readonly kind: 'peripherals'; readonly peripherals: PeripheralsView };
