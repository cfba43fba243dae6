/**
 * The providers write times in China Standard Time (UTC+8, no daylight saving) in two layouts:
 * WeChat `yyyyMMddHHmmss`, Alipay `yyyy-MM-dd HH:mm:ss`.
 */
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

function parts(ms: number): readonly string[] {
  const iso = new Date(ms + CST_OFFSET_MS).toISOString(); // 2026-11-23T17:25:00.000Z, shifted to CST
  return [
    iso.slice(0, 4),
    iso.slice(5, 7),
    iso.slice(8, 10),
    iso.slice(11, 13),
    iso.slice(14, 16),
    iso.slice(17, 19),
  ];
}

export function wechatTime(ms: number): string {
  return parts(ms).join('');
}

export function alipayTime(ms: number): string {
  const [y, mo, d, h, mi, s] = parts(ms);
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
}

/** "20261123173000" (WeChat time_expire, Beijing) → ms since epoch; undefined when not that layout. */
export function parseWechatTime(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  return m ? chinaMs(m.slice(1).map(Number)) : undefined;
}

/** "2026-11-23 17:30:00" (Alipay time_expire, Beijing) → ms since epoch; undefined when not that layout. */
export function parseAlipayTime(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  return m ? chinaMs(m.slice(1).map(Number)) : undefined;
}

/**
 * Alipay timeout_express ("90m", "2h", "1d"; "1c" = until the end of the day in Beijing) after
 * `from`; undefined when not that layout. Alipay allows 1m to 15d.
 */
export function afterTimeoutExpress(text: string, from: number): number | undefined {
  const m = /^(\d{1,4})([mhdc])$/.exec(text);
  if (!m) return undefined;
  const count = Number(m[1]);
  if (m[2] === 'c') {
    const [y, mo, d] = parts(from).map(Number);
    const midnight = chinaMs([y!, mo!, d!, 0, 0, 0]);
    return midnight === undefined ? undefined : midnight + 24 * 60 * 60 * 1000;
  }
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  const ms = count * unit;
  return ms >= 60_000 && ms <= 15 * 86_400_000 ? from + ms : undefined;
}

function chinaMs([y, mo, d, h, mi, s]: readonly number[]): number | undefined {
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - CST_OFFSET_MS;
  // Date.UTC rolls 2026-02-30 over to March: refuse what does not read back the same.
  const again = parts(ms).map(Number);
  return again.every((v, i) => v === [y, mo, d, h, mi, s][i]) ? ms : undefined;
}
