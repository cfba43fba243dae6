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
