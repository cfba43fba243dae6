/**
 * Configuration of one scanner, validated with zod so a typo in the kiosk config names the key
 * that is wrong instead of failing later at open time. Vendor/product ids accept numbers or the
 * hex strings that `lsusb` and doctor print ("1eab", "0x1EAB").
 */
import { z } from 'zod';
import { HidPosLayoutSchema } from './hid/hid-pos-layout.ts';

const usbId = z
  .union([
    z.number().int().min(0).max(0xffff),
    z
      .string()
      .regex(/^(0x)?[0-9a-f]{1,4}$/i, 'a USB id is 1–4 hex digits, e.g. "1eab"')
      .transform((hex) => Number.parseInt(hex.replace(/^0x/i, ''), 16)),
  ])
  .pipe(z.number());
/** The same USB id schema for other devices' config (receipt printers, core/service/config). */
export const UsbIdSchema = usbId;

export const TERMINATORS = ['auto', 'CR', 'LF', 'CRLF', 'TAB', 'none'] as const;
export type Terminator = (typeof TERMINATORS)[number];

export const SerialScannerConfigSchema = z
  .object({
    kind: z.literal('serial'),
    id: z.string().min(1).optional(),
    /** A fixed device path; prefer /dev/serial/by-id/… which survives re-enumeration. */
    path: z.string().min(1).optional(),
    /** Or find the port in the port list (and find it again after unplug, when its path changed). */
    match: z
      .object({
        vendorId: usbId.optional(),
        productId: usbId.optional(),
        serialNumber: z.string().min(1).optional(),
      })
      .refine((m) => m.vendorId !== undefined || m.productId !== undefined || m.serialNumber !== undefined, {
        message: 'match needs at least one of vendorId, productId, serialNumber',
      })
      .optional(),
    baudRate: z.number().int().positive().default(9600),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
    parity: z.enum(['none', 'even', 'odd']).default('none'),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
    /** 'auto' accepts any of CR, LF, CRLF, Tab; 'none' frames by idle time (scanners with no suffix). */
    terminator: z.enum(TERMINATORS).default('auto'),
    idleTimeoutMs: z.number().int().min(5).max(1000).default(50),
    /** A line still unterminated this long after its last byte is a half code: rejected, not joined to the next. */
    partialTimeoutMs: z.number().int().min(20).max(10_000).default(300),
    maxLength: z.number().int().min(8).max(8192).default(256),
    /**
     * While connected, check this often that the port's device still exists and is the same one:
     * on some systems an unplug never closes the port, so a dead port would stay "connected".
     */
    livenessIntervalMs: z.number().int().min(50).max(60_000).default(1000),
  })
  .refine((c) => (c.path === undefined) !== (c.match === undefined), {
    message: 'a serial scanner needs exactly one of path or match',
    path: ['path'],
  });

/**
 * `honeywell` (also Youjie, Zebra and Datalogic in HID POS mode) and `newland` are HID POS layouts
 * (hid/hid-pos-layout.ts); `keyboard` reads a keyboard-mode scanner's boot reports through hidraw;
 * `auto` picks by interface and USB vendor, and refuses a HID POS vendor it has no layout for.
 */
export const HID_PROFILES = ['newland', 'honeywell', 'keyboard', 'auto'] as const;
export type HidProfileName = (typeof HID_PROFILES)[number];

export const HidScannerConfigSchema = z
  .object({
    kind: z.literal('hid'),
    id: z.string().min(1).optional(),
    vendorId: usbId,
    productId: usbId,
    profile: z.enum(HID_PROFILES).default('auto'),
    /** A model no built-in profile fits: its HID POS report layout (docs/scanner-facts.md; record with `listen --raw`). */
    layout: HidPosLayoutSchema.optional(),
    /** A multi-report code whose next report does not come within this long is rejected whole. */
    endTimeoutMs: z.number().int().min(10).max(2000).default(100),
    maxLength: z.number().int().min(8).max(8192).default(1024),
  })
  .refine((c) => c.layout === undefined || c.profile === 'auto', {
    message: 'give either a profile or a layout, not both',
    path: ['layout'],
  });

export const WedgeScannerConfigSchema = z.object({
  kind: z.literal('wedge'),
  id: z.string().min(1).optional(),
  maxKeyGapMs: z.number().int().min(5).max(200).default(45),
  endTimeoutMs: z.number().int().min(10).max(2000).default(100),
  minLength: z.number().int().min(1).max(256).default(8),
  /** The scanner is set up to end each code with Enter/Tab: a burst without one is rejected whole. */
  requireSuffix: z.boolean().default(false),
});

export const ScannerConfigSchema = z.discriminatedUnion('kind', [
  SerialScannerConfigSchema,
  HidScannerConfigSchema,
  WedgeScannerConfigSchema,
]);

export type ScannerConfig = z.output<typeof ScannerConfigSchema>;
export type ScannerConfigInput = z.input<typeof ScannerConfigSchema>;
export type SerialScannerConfig = z.output<typeof SerialScannerConfigSchema>;
export type HidScannerConfig = z.output<typeof HidScannerConfigSchema>;
export type WedgeScannerConfig = z.output<typeof WedgeScannerConfigSchema>;

export function hex4(id: number): string {
  return id.toString(16).padStart(4, '0');
}

/** The stable source id used in events: the configured id, else one derived from the transport. */
export function sourceIdFor(config: ScannerConfig): string {
  if (config.id) return config.id;
  switch (config.kind) {
    case 'serial':
      if (config.path) return `serial:${config.path}`;
      return `serial:${[config.match?.vendorId, config.match?.productId]
        .map((v) => (v === undefined ? '*' : hex4(v)))
        .join(':')}${config.match?.serialNumber ? `:${config.match.serialNumber}` : ''}`;
    case 'hid':
      return `hid:${hex4(config.vendorId)}:${hex4(config.productId)}`;
    case 'wedge':
      return 'wedge:keyboard';
  }
}
