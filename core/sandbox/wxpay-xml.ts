/**
 * WeChat Pay v2's wire format as the sandbox speaks it (docs/protocols.md §2, "XML layout"): a flat
 * `<xml>` of string fields. Read with fast-xml-parser, every value kept as a string (total_fee "0012"
 * must not become 12, nor an out_trade_no lose its zeros). Whitespace between elements (how npm tenpay
 * and WeChat's own samples lay out XML) is layout, never a field; a value's own whitespace is kept.
 * DOCTYPE/ENTITY declarations are refused outright: XXE was a real WeChat Pay SDK hole.
 *
 * Replies are written in either of WeChat's two layouts, the official samples' (a newline and three
 * spaces before each element, numbers bare, other values in CDATA; the samples on
 * https://pay.weixin.qq.com/wiki/doc/api/micropay.php?chapter=9_10&index=1) or one line. The official
 * layout is written by hand below because XMLBuilder cannot put some values in CDATA and not others.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { type V2SignType, v2Sign } from '../gateways/shared/v2-sign.ts';

export type XmlParse =
  | { readonly ok: true; readonly params: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly error: string };

export type WxpayXmlLayout = 'official' | 'one_line';

const parser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignoreAttributes: true,
});
const builder = new XMLBuilder({});

export function parseWxpayXml(body: string): XmlParse {
  if (body.trim().length === 0) return { ok: false, error: 'empty body' };
  if (/<!DOCTYPE|<!ENTITY/i.test(body))
    return { ok: false, error: 'DOCTYPE and ENTITY declarations are not accepted' };
  if (XMLValidator.validate(body) !== true) return { ok: false, error: 'XML format error' };
  let document: unknown;
  try {
    document = parser.parse(body);
  } catch {
    return { ok: false, error: 'XML format error' };
  }
  const root = (document as { xml?: unknown }).xml;
  if (root === undefined || (typeof root === 'string' && root.trim() === ''))
    return { ok: false, error: 'the root element must be <xml> with fields' };
  if (typeof root !== 'object' || root === null || Array.isArray(root))
    return { ok: false, error: 'the root element must be <xml>' };
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(root)) {
    // The text between the elements, joined by the parser: layout when blank, an error otherwise.
    if (name === '#text') {
      if (typeof value === 'string' && value.trim() === '') continue;
      return { ok: false, error: 'text outside the fields is not accepted' };
    }
    if (typeof value !== 'string') return { ok: false, error: `field ${name} must be a single text value` };
    params[name] = value;
  }
  return { ok: true, params };
}

const escapeText = (value: string): string =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function officialElement(name: string, value: string): string {
  if (/^\d+$/.test(value) || value.includes(']]>')) return `<${name}>${escapeText(value)}</${name}>`;
  return `<${name}><![CDATA[${value}]]></${name}>`;
}

/** Builds `<xml>` from non-empty fields, in the given order, in the given layout (one line by default). */
export function buildWxpayXml(
  params: Readonly<Record<string, string | undefined>>,
  layout: WxpayXmlLayout = 'one_line',
): string {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') fields[name] = value;
  }
  if (layout === 'one_line') return builder.build({ xml: fields }) as string;
  const lines = Object.entries(fields).map(([name, value]) => `\n   ${officialElement(name, value)}`);
  return `<xml>${lines.join('')}\n</xml>`;
}

/** The signed reply and the same reply with a wrong sign (for the bad_signature fault). */
export function signedWxpayXml(
  params: Readonly<Record<string, string | undefined>>,
  key: string,
  signType: V2SignType,
  layout: WxpayXmlLayout = 'one_line',
): { readonly body: string; readonly badSignatureBody: string } {
  const sign = v2Sign(params, key, signType);
  const forged = v2Sign({ ...params, forged: 'yes' }, key, signType);
  return {
    body: buildWxpayXml({ ...params, sign }, layout),
    badSignatureBody: buildWxpayXml({ ...params, sign: forged }, layout),
  };
}
