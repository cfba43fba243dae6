/**
 * A test-side ESC/POS decoder: reads the byte stream a virtual printer received and says what a
 * real printer would have done with it — the text (GB18030 via iconv-lite), cuts, drawer pulses,
 * QR codes (GS ( k) and raster images, status queries (DLE EOT). It knows only the commands our
 * receipts use and throws on any other, so a stray byte sequence fails the test instead of being
 * skipped. Written independently of the encoder from Epson's ESC/POS reference.
 */
import iconv from 'iconv-lite';

export interface DecodedJob {
  /** Printed text, one entry per line (line feeds split; the spaces positioning moves made, trimmed at both ends). */
  readonly lines: string[];
  cuts: number;
  readonly drawerPulses: { pin: number; onMs: number; offMs: number }[];
  readonly qrCodes: string[];
  rasterImages: number;
  readonly statusQueries: number[];
  initialisations: number;
}

/** Fixed-length commands: prefix bytes → number of parameter bytes that follow. */
const FIXED: Record<string, number> = {
  '1b40': 0, // ESC @
  '1b21': 1, // ESC !
  '1b20': 1, // ESC SP
  '1b2d': 1, // ESC -
  '1b32': 0, // ESC 2
  '1b33': 1, // ESC 3
  '1b45': 1, // ESC E
  '1b4d': 1, // ESC M
  '1b61': 1, // ESC a
  '1b74': 1, // ESC t
  '1b7b': 1, // ESC {
  '1b24': 2, // ESC $
  '1b5c': 2, // ESC \
  '1b4a': 1, // ESC J
  '1b64': 1, // ESC d
  '1c26': 0, // FS &
  '1c2e': 0, // FS .
  '1c2d': 1, // FS -
  '1c43': 1, // FS C
  '1c53': 2, // FS S
  '1d21': 1, // GS !
  '1d42': 1, // GS B
  '1d4c': 2, // GS L
  '1d57': 2, // GS W
  '1d61': 1, // GS a
  '1d72': 1, // GS r
  '1d77': 1, // GS w
  '1d68': 1, // GS h
  '1d48': 1, // GS H
};

export function decodeEscPos(input: Uint8Array): DecodedJob {
  const bytes = Buffer.from(input);
  const job: DecodedJob = {
    lines: [],
    cuts: 0,
    drawerPulses: [],
    qrCodes: [],
    rasterImages: 0,
    statusQueries: [],
    initialisations: 0,
  };
  let text: number[] = [];
  let line = '';
  let qrStore: Buffer | null = null;
  // FS & turns double-byte (Chinese) mode on, FS . off; off, bytes are one character each in the
  // code page ESC t chose (page 1's 0x95 is the rule line receiptline draws).
  let doubleByte = false;
  let codePage = 0;
  const flushText = () => {
    if (text.length)
      line += doubleByte
        ? iconv.decode(Buffer.from(text), 'gb18030')
        : text
            .map((c) => (c < 0x80 ? String.fromCharCode(c) : codePage === 1 && c === 0x95 ? '─' : '?'))
            .join('');
    text = [];
  };
  const endLine = () => {
    flushText();
    job.lines.push(line.trim());
    line = '';
  };
  let i = 0;
  const need = (n: number, what: string) => {
    if (i + n > bytes.length) throw new Error(`truncated ${what} at byte ${i}`);
  };
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      endLine();
      i++;
      continue;
    }
    if (b === 0x0d) {
      i++;
      continue;
    }
    if (b >= 0x20) {
      text.push(b);
      i++;
      continue;
    }
    flushText();
    if (b === 0x10) {
      need(3, 'DLE EOT');
      if (bytes[i + 1] !== 0x04) throw new Error(`unknown DLE command at byte ${i}`);
      job.statusQueries.push(bytes[i + 2]!);
      i += 3;
      continue;
    }
    need(2, 'command');
    const key = bytes.subarray(i, i + 2).toString('hex');
    if (key === '1b40') job.initialisations++;
    if (key === '1c26') doubleByte = true;
    if (key === '1c2e') doubleByte = false;
    if (key === '1b74') codePage = bytes[i + 2] ?? 0;
    if (key === '1b24') {
      // ESC $ nL nH: absolute position in dots; 12 dots a column (font A) → pad with spaces.
      const column = Math.floor(((bytes[i + 2] ?? 0) + (bytes[i + 3] ?? 0) * 256) / 12);
      const width = [...line].reduce((w, c) => w + (c.charCodeAt(0) > 0x7f && c !== '─' ? 2 : 1), 0);
      if (column > width) line += ' '.repeat(column - width);
    }
    if (key === '1b5c') {
      // ESC \ nL nH: move right by that many dots (how receiptline right-aligns a column).
      const columns = Math.floor(((bytes[i + 2] ?? 0) + (bytes[i + 3] ?? 0) * 256) / 12);
      if (columns > 0 && columns < 64) line += ' '.repeat(columns);
    }
    if (key in FIXED) {
      need(2 + FIXED[key]!, key);
      i += 2 + FIXED[key]!;
      continue;
    }
    if (key === '1b70') {
      need(5, 'ESC p');
      job.drawerPulses.push({
        pin: bytes[i + 2]! & 1 ? 5 : 2,
        onMs: bytes[i + 3]! * 2,
        offMs: bytes[i + 4]! * 2,
      });
      i += 5;
      continue;
    }
    if (key === '1d56') {
      need(3, 'GS V');
      const m = bytes[i + 2]!;
      job.cuts++;
      i += m >= 65 ? 4 : 3; // function B (m = 65, 66) carries a feed amount
      continue;
    }
    if (key === '1c28' || key === '1d28') {
      need(5, 'FS/GS ( function');
      const fnKind = bytes[i + 2]!;
      const length = bytes[i + 3]! + bytes[i + 4]! * 256;
      need(5 + length, 'function data');
      const body = bytes.subarray(i + 5, i + 5 + length);
      if (key === '1d28' && fnKind === 0x6b && body[0] === 0x31) {
        if (body[1] === 0x50) qrStore = Buffer.from(body.subarray(3));
        if (body[1] === 0x51) {
          if (!qrStore) throw new Error('QR print without stored data');
          job.qrCodes.push(iconv.decode(qrStore, 'gb18030'));
        }
      }
      if (key === '1d28' && fnKind === 0x4c && body[0] === 0x30 && body[1] === 0x32) job.rasterImages++;
      i += 5 + length;
      continue;
    }
    if (key === '1d38') {
      // GS 8 L p1 p2 p3 p4 m fn ...: a 32-bit length
      need(7, 'GS 8 L');
      const length = bytes.readUInt32LE(i + 3);
      i += 7 + length;
      continue;
    }
    throw new Error(`unknown ESC/POS command ${key} at byte ${i}`);
  }
  flushText();
  if (line.trim()) job.lines.push(line.trim());
  return job;
}

/** The printed text as one string, for `toContain` checks. */
export function printedText(job: DecodedJob): string {
  return job.lines.join('\n');
}
