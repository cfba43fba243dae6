/**
 * WeChat v2 bodies are flat `<xml><name>value</name>…</xml>`. fast-xml-parser does the XML; this file
 * only insists the reply is flat: every value a string (parseTagValue off, so "0001" stays "0001"), no
 * repeated or nested element (a duplicated <out_trade_no> could make the signed and the read value
 * differ), and no DOCTYPE (WeChat's own XXE advisory).
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

const builder = new XMLBuilder({ format: false });
const parser = new XMLParser({
  parseTagValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  trimValues: false,
  processEntities: true,
});

export function buildWxpayXml(params: Readonly<Record<string, string>>): string {
  return builder.build({ xml: params }) as string;
}

export type FlatXmlResult =
  | { readonly ok: true; readonly fields: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly problem: string };

export function parseWxpayXml(body: string): FlatXmlResult {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return { ok: false, problem: 'reply declares a DOCTYPE' };
  if (XMLValidator.validate(body) !== true) return { ok: false, problem: 'reply is not well-formed XML' };
  let parsed: unknown;
  try {
    parsed = parser.parse(body);
  } catch {
    return { ok: false, problem: 'reply is not well-formed XML' };
  }
  const root = (parsed as { xml?: unknown } | null)?.xml;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    return { ok: false, problem: 'reply has no <xml> root element' };
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(root)) {
    if (typeof value !== 'string') return { ok: false, problem: `element <${name}> is repeated or nested` };
    fields[name] = value;
  }
  return { ok: true, fields };
}
