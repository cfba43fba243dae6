/**
 * ReceiptLine documents → ESC/POS bytes (and SVG previews). Built on `receiptline` (the OpenReceipt
 * project's receipt markup, which emits ESC/POS for Epson-compatible printers with GB18030 text
 * through iconv-lite, and SVG from the same document) instead of by hand: column layout, wrapping by
 * display width (a Chinese character takes two columns), code-page switching (ESC t 0, FS &) and
 * the cut are the parts every hand-written driver gets wrong on 58 mm paper.
 *
 * Two things we add: `¥` becomes the full-width `￥` (GBK A3A4), because U+00A5 exists only as a
 * four-byte GB18030 sequence that GBK printers print as garbage; and the QR code is sent as the
 * printer's own GS ( k command (receiptline rasterises it) unless the config asks for raster.
 *
 * Heavy (receiptline, iconv-lite): the service loads it only when a printer is configured
 * (start-peripherals.ts); what the layouts need on every start is in receipt-text.ts.
 */
import iconv from 'iconv-lite';
import receiptline from 'receiptline';
import { nativeQrCode } from './escpos-commands.ts';
import { columnsFor, type PaperWidth, type QrMode } from './receipt-text.ts';

function nativeQrCommand(): Record<string, unknown> {
  return {
    ...receiptline.commands.escpos,
    qrcode(symbol: { data: string; cell: number }) {
      const data = iconv.encode(symbol.data, 'gb18030');
      return Buffer.from(nativeQrCode(data, Math.min(8, Math.max(3, symbol.cell)))).toString('latin1');
    },
  };
}

export function encodeEscPos(doc: string, options: { width: PaperWidth; qr: QrMode }): Uint8Array {
  const command = options.qr === 'native' ? nativeQrCommand() : 'escpos';
  const out = receiptline.transform(doc.replaceAll('¥', '￥'), {
    cpl: columnsFor(options.width),
    encoding: 'gb18030',
    spacing: false,
    cutting: true,
    // biome-ignore lint/suspicious/noExplicitAny: receiptline's types want its own BaseCommand shape
    command: command as any,
  });
  // Drop receiptline's trailing `GS r 1` (it waits for a status reply the job pipe does not read).
  const bytes = Buffer.from(out, 'latin1');
  const tail = Buffer.from([0x1d, 0x72, 0x31]);
  return new Uint8Array(bytes.subarray(bytes.length - 3).equals(tail) ? bytes.subarray(0, -3) : bytes);
}

/** The same document as an SVG image (previews, screenshots in docs/). */
export function renderSvg(doc: string, width: PaperWidth): string {
  return receiptline.transform(doc.replaceAll('¥', '￥'), {
    cpl: columnsFor(width),
    encoding: 'gb18030',
    spacing: true,
    command: 'svg',
  });
}
