/**
 * The pole display (客显): the small 8-digit LED display facing the customer, on a serial port.
 * Two command sets, chosen in config (`pole_display.command_set`):
 * - `escpos`: the ESC/POS-style customer display set most Chinese 客显 accept — ESC @ (clear),
 *   ESC s n (lamp: 0 off, 1 单价, 2 总计, 3 收款, 4 找零), ESC Q A <digits, one '.'> CR.
 * - `digits`: the amount as plain ASCII digits and CR, for displays without ESC support.
 * Byte layout described in docs/peripherals.md.
 */
import { UnavailableError } from '../../common/errors.ts';
import { fenToYuan } from '../../common/money.ts';
import type { PoleDisplay } from '../../ports/peripherals.ts';
import type { ByteLink } from '../escpos/byte-link.ts';

export type PoleCommandSet = 'escpos' | 'digits';

/** What the display must receive to show `fen` (null: the idle 0.00). */
export function poleDisplayBytes(fen: number | null, commandSet: PoleCommandSet): Uint8Array {
  // An 8-digit display holds up to 999999.99; a bigger amount shows its last 8 digits on most
  // models, so it is capped visibly instead.
  const text = fen === null ? '0.00' : fen > 99_999_999 ? '999999.99' : fenToYuan(fen);
  if (commandSet === 'digits') return Buffer.from(`${text}\r`, 'ascii');
  const lamp = fen === null ? 0 : 2; // 总计 while an amount is shown
  return Uint8Array.from([
    0x1b,
    0x40,
    0x1b,
    0x73,
    0x30 + lamp,
    0x1b,
    0x51,
    0x41,
    ...Buffer.from(text, 'ascii'),
    0x0d,
  ]);
}

export class SerialPoleDisplay implements PoleDisplay {
  readonly id: string;
  private readonly link: ByteLink;
  private readonly commandSet: PoleCommandSet;

  constructor(link: ByteLink, commandSet: PoleCommandSet) {
    this.link = link;
    this.id = link.id;
    this.commandSet = commandSet;
  }

  async close(): Promise<void> {
    await this.link.close?.();
  }

  async showAmount(fen: number | null): Promise<void> {
    try {
      await this.link.exchange(poleDisplayBytes(fen, this.commandSet));
    } catch (error) {
      throw new UnavailableError(
        'pole_display_unreachable',
        `the pole display ${this.id} could not be reached: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
  }
}
