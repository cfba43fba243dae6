/**
 * The light half of the receipt encoder: paper widths and ReceiptLine text escaping, which the
 * receipt layouts need on every start. Kept apart from receipt-encoder.ts so that `scanpay serve`
 * without a printer never loads receiptline and iconv-lite (issue 20, docs/benchmarks.md).
 */

export type PaperWidth = 58 | 80;
export type QrMode = 'native' | 'raster';

/** Turns a ReceiptLine document into the printer's ESC/POS bytes (receipt-encoder.ts). */
export type ReceiptEncoder = (doc: string, options: { width: PaperWidth; qr: QrMode }) => Uint8Array;

/** Half-width columns per line: 58 mm paper prints 32 (16 Chinese characters), 80 mm prints 48. */
export function columnsFor(width: PaperWidth): number {
  return width === 58 ? 32 : 48;
}

/** Escapes text for a ReceiptLine document (its markup characters lose their meaning). */
export function escapeReceiptText(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\|{}\-=~_"`^]/g, (c) => `\\${c}`)
    .replaceAll('¥', '￥');
}
