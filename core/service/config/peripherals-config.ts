/**
 * The store peripherals' configuration keys (`printer`, `pole_display`, `voice` in config.json),
 * validated with zod like the rest of the file, so a mistake is reported as `printer.port: …`.
 * Each kind of printer names only the keys it uses; a key of another kind is refused (strict
 * objects), so `{kind:"tcp", path:"/dev/ttyS0"}` says which key does not belong instead of printing
 * to nowhere.
 */
import { z } from 'zod';
import { UsbIdSchema } from '../../scanners/scanner-config.ts';

const common = {
  /** Paper width: 58 mm paper has 32 half-width columns (16 Chinese characters), 80 mm has 48. */
  width: z.union([z.literal(58), z.literal(80)]).default(80),
  /** Chinese ESC/POS printers take GB18030/GBK double-byte text; the only supported encoding. */
  encoding: z.literal('gb18030').default('gb18030'),
  /** Print a receipt for every paid sale and refund without being asked (also a Settings switch). */
  auto_print: z.boolean().default(true),
  /**
   * How the refund QR is sent: `native` (GS ( k, the printer draws it; small, supported by the
   * common 58/80 mm Chinese printers) or `raster` (an image, for printers without a QR engine).
   */
  qr: z.enum(['native', 'raster']).default('native'),
  /** Kick the drawer (ESC p) on every cash sale. */
  drawer_on_cash: z.boolean().default(true),
  /** Shop name printed at the top of each receipt (defaults to the merchant's name). */
  shop_name: z.string().min(1).max(32).optional(),
};

export const PrinterConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('tcp'),
    /** A network printer's raw port (the JetDirect port-9100 convention). */
    host: z.string().min(1, 'the printer address, e.g. "192.168.1.87"'),
    port: z.number().int().min(1).max(65535).default(9100),
    ...common,
  }),
  z.strictObject({
    kind: z.literal('serial'),
    path: z.string().min(1, 'the serial device, e.g. "/dev/ttyUSB0" or "COM3"'),
    baud_rate: z.number().int().positive().default(9600),
    ...common,
  }),
  z.strictObject({
    kind: z.literal('usb'),
    /** The printer's USB ids (a number, or hex as lsusb and `scanpay doctor` print them: "0416"). */
    vendorId: UsbIdSchema,
    productId: UsbIdSchema,
    ...common,
  }),
]);

export const PoleDisplayConfigSchema = z.strictObject({
  kind: z.literal('serial').default('serial'),
  path: z.string().min(1, 'the serial device of the pole display, e.g. "/dev/ttyUSB1"'),
  baud_rate: z.number().int().positive().default(2400),
  /**
   * `escpos`: ESC Q A <digits> CR (the ESC/POS-style customer display set, with ESC s n for the
   * 单价/总计/收款/找零 lamps); `digits`: the bare amount and CR, which most 8-digit LED 客显 accept.
   */
  command_set: z.enum(['escpos', 'digits']).default('escpos'),
});

export const VoiceConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** 0–100. */
  volume: z.number().int().min(0).max(100).default(80),
});

export type PrinterConfig = z.output<typeof PrinterConfigSchema>;
export type PoleDisplayConfig = z.output<typeof PoleDisplayConfigSchema>;
export type VoiceConfig = z.output<typeof VoiceConfigSchema>;
