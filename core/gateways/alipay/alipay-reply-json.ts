/**
 * The raw text of each top-level member of an Alipay reply. Alipay signs the `<method>_response`
 * value exactly as it was written (docs/protocols.md §4), so the verifier needs that substring, not a
 * re-serialisation. Written by hand, and why: alipay-sdk's getSignStr cuts between the first
 * `<method>_response"` and the last `"sign"` of the text, which breaks on layouts JSON allows (sign
 * before the response, whitespace after the colon) and lets a repeated key be verified in one copy
 * and read in the other. A JSON library gives parsed values, never source spans. This scanner runs
 * only on text JSON.parse has already accepted, and refuses duplicated top-level keys.
 */

function skipWhitespace(text: string, at: number): number {
  let i = at;
  while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  return i;
}

/** `at` is on the opening quote; returns the index after the closing quote. */
function skipString(text: string, at: number): number {
  let i = at + 1;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  return text.length;
}

function skipValue(text: string, at: number): number {
  const first = text.charAt(at);
  if (first === '"') return skipString(text, at);
  if (first === '{' || first === '[') {
    let depth = 0;
    let i = at;
    while (i < text.length) {
      const c = text.charAt(i);
      if (c === '"') {
        i = skipString(text, i);
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return text.length;
  }
  let i = at;
  while (i < text.length && !',}] \t\n\r'.includes(text.charAt(i))) i++;
  return i;
}

/**
 * Top-level member name → its raw value text, for a JSON object text that JSON.parse accepted.
 * Undefined when a name appears twice or the text is not an object.
 */
export function topLevelRawMembers(text: string): ReadonlyMap<string, string> | undefined {
  const members = new Map<string, string>();
  let i = skipWhitespace(text, 0);
  if (text.charAt(i) !== '{') return undefined;
  i = skipWhitespace(text, i + 1);
  if (text.charAt(i) === '}') return members;
  for (;;) {
    if (text.charAt(i) !== '"') return undefined;
    const keyEnd = skipString(text, i);
    const name: unknown = JSON.parse(text.slice(i, keyEnd));
    i = skipWhitespace(text, keyEnd);
    if (text.charAt(i) !== ':') return undefined;
    const valueStart = skipWhitespace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    if (typeof name !== 'string' || members.has(name)) return undefined;
    members.set(name, text.slice(valueStart, valueEnd));
    i = skipWhitespace(text, valueEnd);
    if (text.charAt(i) === ',') {
      i = skipWhitespace(text, i + 1);
      continue;
    }
    return text.charAt(i) === '}' ? members : undefined;
  }
}
