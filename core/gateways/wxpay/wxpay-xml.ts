/**
 * WeChat v2 bodies are flat `<xml><name>value</name>…</xml>` (docs/protocols.md §2, "XML layout").
 * fast-xml-parser does the XML (preserveOrder, so text between elements is seen as its own node); this
 * file reads it the way WeChat's SDKs and WxJava do: only element children of <xml> are fields, the
 * whitespace between them (newline + indentation in WeChat's replies and samples, CRLF, tabs) is
 * layout and never a field, while a value's own whitespace is kept (it is signed). It also insists the
 * body is flat: every value text or CDATA (kept as a string: "0001" stays "0001"), no repeated or nested
 * element (a duplicated <out_trade_no> could make the signed and the read value differ), no stray text
 * in the root, and no DOCTYPE/ENTITY (WeChat's own XXE advisory).
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

const CDATA = '__cdata';
const TEXT = '#text';

const builder = new XMLBuilder({ format: false });
const parser = new XMLParser({
  preserveOrder: true,
  parseTagValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: false,
  processEntities: true,
  cdataPropName: CDATA,
});

export function buildWxpayXml(params: Readonly<Record<string, string>>): string {
  return builder.build({ xml: params }) as string;
}

export type FlatXmlResult =
  | { readonly ok: true; readonly fields: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly problem: string };

type OrderedNode = Readonly<Record<string, unknown>>;

const isBlank = (text: unknown): boolean => typeof text === 'string' && text.trim() === '';

/** The one key of a preserveOrder node other than its attributes. */
function nodeName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@');
}

/** An element's value: its text and CDATA children joined; undefined when it holds an element. */
function textOf(children: unknown): string | undefined {
  if (!Array.isArray(children)) return undefined;
  let value = '';
  for (const child of children as OrderedNode[]) {
    const name = nodeName(child);
    if (name === TEXT) value += String(child[TEXT]);
    else if (name === CDATA) {
      const inner = textOf(child[CDATA]);
      if (inner === undefined) return undefined;
      value += inner;
    } else return undefined;
  }
  return value;
}

export function parseWxpayXml(body: string): FlatXmlResult {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return { ok: false, problem: 'reply declares a DOCTYPE' };
  if (XMLValidator.validate(body) !== true) return { ok: false, problem: 'reply is not well-formed XML' };
  let document: unknown;
  try {
    document = parser.parse(body);
  } catch {
    return { ok: false, problem: 'reply is not well-formed XML' };
  }
  const top = (Array.isArray(document) ? (document as OrderedNode[]) : []).filter(
    (node) => !(nodeName(node) === TEXT && isBlank(node[TEXT])),
  );
  const root = top[0];
  if (top.length !== 1 || root === undefined || nodeName(root) !== 'xml' || !Array.isArray(root.xml)) {
    return { ok: false, problem: 'reply has no single <xml> root element' };
  }
  const fields: Record<string, string> = {};
  for (const child of root.xml as OrderedNode[]) {
    const name = nodeName(child);
    if (name === undefined) continue;
    if (name === TEXT) {
      if (isBlank(child[TEXT])) continue;
      return { ok: false, problem: 'reply has text outside its elements' };
    }
    if (name === CDATA) return { ok: false, problem: 'reply has text outside its elements' };
    const value = textOf(child[name]);
    if (value === undefined) return { ok: false, problem: `element <${name}> is nested` };
    if (Object.hasOwn(fields, name)) return { ok: false, problem: `element <${name}> is repeated` };
    fields[name] = value;
  }
  return { ok: true, fields };
}
