// Draws build/icon.png (512×512, the source electron-builder turns into the Linux icon set and the
// Windows .ico). Hand-written because it is a one-off flat drawing and no image library is installed:
// a PNG is a zlib-compressed RGBA scanline stream with CRC-checked chunks, which node:zlib provides.
// Run: node build/scripts/make-icon.js
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 512;
const GREEN = [0x07, 0xc1, 0x60, 0xff];
const WHITE = [0xff, 0xff, 0xff, 0xff];
const CLEAR = [0, 0, 0, 0];

function insideRounded(x, y, margin, radius) {
  const lo = margin;
  const hi = SIZE - 1 - margin;
  if (x < lo || x > hi || y < lo || y > hi) return false;
  const cx = Math.min(Math.max(x, lo + radius), hi - radius);
  const cy = Math.min(Math.max(y, lo + radius), hi - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

// Three QR finder patterns (ring + centre) on the green tile: "scan to pay" at a glance.
function finder(x, y, ox, oy) {
  const u = 24;
  const dx = x - ox;
  const dy = y - oy;
  if (dx < 0 || dy < 0 || dx >= 7 * u || dy >= 7 * u) return false;
  const cx = Math.floor(dx / u);
  const cy = Math.floor(dy / u);
  const ring = cx === 0 || cy === 0 || cx === 6 || cy === 6;
  const core = cx >= 2 && cx <= 4 && cy >= 2 && cy <= 4;
  return ring || core;
}

function pixel(x, y) {
  if (!insideRounded(x, y, 16, 96)) return CLEAR;
  if (finder(x, y, 72, 72) || finder(x, y, 272, 72) || finder(x, y, 72, 272)) return WHITE;
  const inLast = x >= 296 && y >= 296 && x < 440 && y < 440;
  if (inLast && (Math.floor((x - 296) / 24) + Math.floor((y - 296) / 24)) % 2 === 0) return WHITE;
  return GREEN;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  const row = y * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) Buffer.from(pixel(x, y)).copy(raw, row + 1 + x * 4);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter set, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = path.resolve(import.meta.dirname, '..', 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
