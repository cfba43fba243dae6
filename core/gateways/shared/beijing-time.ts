/**
 * WeChat Pay and Alipay write times as local China time (UTC+8, no daylight saving) without a zone:
 * WeChat `yyyyMMddHHmmss`, Alipay `yyyy-MM-dd HH:mm:ss`. These convert to and from ms / ISO 8601
 * without depending on the kiosk's own time zone.
 */
const OFFSET_MS = 8 * 60 * 60 * 1000;

function parts(ms: number): string[] {
  const d = new Date(ms + OFFSET_MS);
  const pad = (n: number, w = 2) => n.toString().padStart(w, '0');
  return [
    pad(d.getUTCFullYear(), 4),
    pad(d.getUTCMonth() + 1),
    pad(d.getUTCDate()),
    pad(d.getUTCHours()),
    pad(d.getUTCMinutes()),
    pad(d.getUTCSeconds()),
  ];
}

/** ms since epoch → "20261123173000" (WeChat time_expire). */
export function toWechatTime(ms: number): string {
  return parts(ms).join('');
}

/** ms since epoch → "2026-11-23 17:30:00" (Alipay time_expire). */
export function toAlipayTime(ms: number): string {
  const [y, mo, d, h, mi, s] = parts(ms);
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
}

/** "20261123173000" or "2026-11-23 17:30:00" → "2026-11-23T17:30:00+08:00"; undefined when malformed. */
export function chinaTimeToIso(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}+08:00`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}
