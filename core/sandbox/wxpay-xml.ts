/**
 * WeChat Pay v2's wire format: a flat `<xml>` of string fields. Parsed and built with fast-xml-parser,
 * with every value kept as a string (total_fee "0012" must not become 12, nor an out_trade_no lose
 * its zeros). DOCTYPE/ENTITY declarations are refused outright: XXE was a real WeChat Pay SDK hole.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { type V2SignType, v2Sign } from '../gateways/shared/v2-sign.ts';

export type XmlParse =
  | { readonly ok: true; readonly params: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly error: string };

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
  if (root === '' || root === undefined)
    return { ok: false, error: 'the root element must be <xml> with fields' };
  if (typeof root !== 'object' || root === null || Array.isArray(root))
    return { ok: false, error: 'the root element must be <xml>' };
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(root)) {
    if (typeof value !== 'string') return { ok: false, error: `field ${name} must be a single text value` };
    params[name] = value;
  }
  return { ok: true, params };
}

/** Builds `<xml>` from non-empty fields, in the given order. */
export function buildWxpayXml(params: Readonly<Record<string, string | undefined>>): string {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') fields[name] = value;
  }
  return builder.build({ xml: fields }) as string;
}

/** The signed reply and the same reply with a wrong sign (for the bad_signature fault). */
export function signedWxpayXml(
  params: Readonly<Record<string, string | undefined>>,
  key: string,
  signType: V2SignType,
): { readonly body: string; readonly badSignatureBody: string } {
  const sign = v2Sign(params, key, signType);
  const forged = v2Sign({ ...params, forged: 'yes' }, key, signType);
  return {
    body: buildWxpayXml({ ...params, sign }),
    badSignatureBody: buildWxpayXml({ ...params, sign: forged }),
  };
}
