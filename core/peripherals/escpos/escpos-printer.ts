/**
 * An ESC/POS printer behind any ByteLink: the receipt printer and, through its drawer port, the
 * cash drawer. Status comes from DLE EOT; a printer that does not answer is 'unknown' (printing is
 * still tried), one that cannot be reached is 'unreachable'.
 */
import { UnavailableError } from '../../common/errors.ts';
import type { CashDrawer, PrinterStatus, ReceiptPrinter } from '../../ports/peripherals.ts';
import type { ByteLink } from './byte-link.ts';
import { DRAWER_PULSE, decodeStatus, STATUS_QUERY } from './escpos-commands.ts';

export class EscPosPrinter implements ReceiptPrinter, CashDrawer {
  readonly id: string;
  private readonly link: ByteLink;
  private readonly statusTimeoutMs: number;

  constructor(link: ByteLink, options: { statusTimeoutMs?: number } = {}) {
    this.link = link;
    this.id = link.id;
    this.statusTimeoutMs = options.statusTimeoutMs ?? 800;
  }

  async print(job: Uint8Array): Promise<void> {
    await this.send(job);
  }

  async open(): Promise<void> {
    await this.send(DRAWER_PULSE);
  }

  async close(): Promise<void> {
    await this.link.close?.();
  }

  async status(): Promise<PrinterStatus> {
    let reply: Uint8Array;
    try {
      reply = await this.link.exchange(STATUS_QUERY, { replyBytes: 3, replyTimeoutMs: this.statusTimeoutMs });
    } catch (error) {
      return { state: 'unreachable', paper_low: false, detail: (error as Error).message };
    }
    const decoded = decodeStatus(reply);
    if (!decoded.ok) return { state: 'unknown', paper_low: false, detail: decoded.reason };
    const state = decoded.paperOut
      ? 'paper_out'
      : decoded.coverOpen
        ? 'cover_open'
        : decoded.offline
          ? 'offline'
          : 'online';
    return { state, paper_low: decoded.paperLow, detail: null };
  }

  private async send(bytes: Uint8Array): Promise<void> {
    try {
      await this.link.exchange(bytes);
    } catch (error) {
      throw new UnavailableError(
        'printer_unreachable',
        `the printer ${this.id} could not be reached: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
  }
}
