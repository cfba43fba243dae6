/**
 * Lays out the same WeChat v2 fields the ways real senders do: WeChat's live gateway and official samples
 * (a newline and indentation between elements, numbers bare, strings in CDATA), one line, CRLF line ends,
 * another element order. Written by hand on purpose: it must not share code with the parsers it tests.
 */

export interface WxpayLayout {
  /** Text between elements (and after `<xml>`). */
  readonly between: string;
  /** `official`: numbers bare, other strings in CDATA; `all`: every value in CDATA; `none`: escaped text. */
  readonly cdata: 'official' | 'all' | 'none';
  readonly reverseOrder?: boolean;
}

export const OFFICIAL_LAYOUT: WxpayLayout = { between: '\n   ', cdata: 'official' };
export const ONE_LINE_LAYOUT: WxpayLayout = { between: '', cdata: 'none' };
export const CRLF_LAYOUT: WxpayLayout = { between: '\r\n  ', cdata: 'all' };

export const NAMED_LAYOUTS: readonly [string, WxpayLayout][] = [
  ['pretty-printed (official sample layout)', OFFICIAL_LAYOUT],
  ['one line', ONE_LINE_LAYOUT],
  ['CRLF, every value in CDATA', CRLF_LAYOUT],
  ['tabs, reversed element order', { between: '\n\t', cdata: 'none', reverseOrder: true }],
];

const escapeText = (value: string): string =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function element(name: string, value: string, cdata: WxpayLayout['cdata']): string {
  const inCdata =
    !value.includes(']]>') && (cdata === 'all' || (cdata === 'official' && !/^\d+$/.test(value)));
  return `<${name}>${inCdata ? `<![CDATA[${value}]]>` : escapeText(value)}</${name}>`;
}

export function layWxpayXml(fields: Readonly<Record<string, string>>, layout: WxpayLayout): string {
  const entries = Object.entries(fields);
  if (layout.reverseOrder) entries.reverse();
  const lastBreak = layout.between.replace(/[ \t]+$/, '');
  const body = entries.map(([name, value]) => layout.between + element(name, value, layout.cdata)).join('');
  return `<xml>${body}${lastBreak}</xml>`;
}
