/**
 * HID POS (usage page 0x8C) input-report layouts as data. Vendors put the same fields at different
 * offsets and disagree on what the length byte counts, so a layout says where each field is; the
 * built-in profiles are entries of HID_POS_LAYOUTS and a site can describe a new model in config
 * (validated by HidPosLayoutSchema, so a wrong offset is named before the scanner is opened).
 *
 * Offsets count from byte 0 of the report as node-hid delivers it: for numbered reports (all the
 * scanners below use report id 0x02) byte 0 is the report id. The facts and their sources are in
 * docs/scanner-facts.md ("HID POS report layouts").
 */
import { z } from 'zod';

const offset = z.number().int().min(0).max(255);

export const HidPosLayoutSchema = z
  .object({
    /** The report id of scan data at byte 0; null for a scanner that sends unnumbered reports. */
    reportId: z.number().int().min(1).max(255).nullable(),
    lengthOffset: offset,
    /** True when the length byte counts the AIM symbology identifier too (none of the built-ins). */
    lengthIncludesAim: z.boolean().default(false),
    /** Offset of the 3-byte AIM symbology identifier (`]` + 2 chars), or null when none is sent. */
    aimOffset: offset.nullable().default(null),
    dataOffset: offset,
    /** The most data bytes one report carries. */
    dataCapacity: z.number().int().min(1).max(255),
    /** Offset of the byte that is non-zero when more reports of the same code follow; null = single report. */
    moreFlagOffset: offset.nullable().default(null),
    /** Offset of the vendor's own symbology byte (informational), or null. */
    symbologyOffset: offset.nullable().default(null),
    /** A report to send after opening, for scanners that only send HID POS data once told to. */
    enableReport: z
      .object({
        kind: z.enum(['feature', 'output']),
        reportId: z.number().int().min(0).max(255),
        data: z.array(z.number().int().min(0).max(255)).max(63),
      })
      .nullable()
      .default(null),
  })
  .superRefine((layout, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (layout.reportId !== null && layout.lengthOffset === 0) {
      issue('lengthOffset', 'byte 0 holds the report id: the length byte must come after it');
    }
    if (layout.dataOffset <= layout.lengthOffset) {
      issue('dataOffset', 'the data must start after the length byte');
    }
    const dataEnd = layout.dataOffset + layout.dataCapacity;
    const inData = (at: number | null) => at !== null && at >= layout.dataOffset && at < dataEnd;
    if (layout.aimOffset !== null) {
      const aimEnd = layout.aimOffset + 3;
      if (
        layout.aimOffset <= layout.lengthOffset ||
        (layout.aimOffset < dataEnd && aimEnd > layout.dataOffset)
      ) {
        issue('aimOffset', 'the 3 AIM bytes must sit after the length byte and outside the data');
      }
    } else if (layout.lengthIncludesAim) {
      issue('lengthIncludesAim', 'the length cannot include an AIM identifier the layout does not have');
    }
    if (inData(layout.moreFlagOffset))
      issue('moreFlagOffset', 'the more-data flag cannot sit inside the data');
    if (inData(layout.symbologyOffset))
      issue('symbologyOffset', 'the symbology byte cannot sit inside the data');
  });

export type HidPosLayout = z.output<typeof HidPosLayoutSchema>;
export type HidPosLayoutInput = z.input<typeof HidPosLayoutSchema>;

/**
 * Honeywell's layout, also used by Youjie (0x23D0), Zebra/Symbol (0x05E0) in HID POS mode, Datalogic
 * (0x05F9) and Access-IS: [0] id 0x02, [1] length of the data only, [2..4] AIM id, [5..60] data,
 * [61] vendor code id, [63] more-data flag. The enable feature report 0xFE = [0x01] makes Honeywell
 * and Youjie scanners start sending; others ignore or refuse it (a refusal is not an error).
 */
const HONEYWELL: HidPosLayout = HidPosLayoutSchema.parse({
  reportId: 0x02,
  lengthOffset: 1,
  lengthIncludesAim: false,
  aimOffset: 2,
  dataOffset: 5,
  dataCapacity: 56,
  moreFlagOffset: 63,
  symbologyOffset: 61,
  enableReport: { kind: 'feature', reportId: 0xfe, data: [0x01] },
});

/**
 * Newland FM/NLS in HID POS mode: [0] id 0x02, [1] length, [2..57] data, [62] Newland symbology id.
 * No AIM bytes and no documented more-data flag: one report is one code.
 */
const NEWLAND: HidPosLayout = HidPosLayoutSchema.parse({
  reportId: 0x02,
  lengthOffset: 1,
  dataOffset: 2,
  dataCapacity: 56,
  symbologyOffset: 62,
});

export const HID_POS_LAYOUTS: Readonly<Record<'honeywell' | 'newland', HidPosLayout>> = {
  honeywell: HONEYWELL,
  newland: NEWLAND,
};

/** USB vendor ids whose HID POS interface uses a built-in layout (docs/scanner-facts.md). */
export const VENDOR_LAYOUTS: ReadonlyMap<number, keyof typeof HID_POS_LAYOUTS> = new Map([
  [0x0c2e, 'honeywell'], // Honeywell
  [0x23d0, 'honeywell'], // Youjie (Honeywell subsidiary)
  [0x05e0, 'honeywell'], // Zebra / Symbol
  [0x05f9, 'honeywell'], // Datalogic
  [0x1eab, 'newland'], // Newland
]);
