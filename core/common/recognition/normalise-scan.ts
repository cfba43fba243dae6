/**
 * Strips what scanners add around the digits: CR/LF/Tab suffixes, a leading AIM symbology
 * identifier (`]C0`, `]Q1`, `]E0`…), surrounding spaces (ASCII and the ideographic U+3000), and folds
 * full-width digits (an IME in full-width mode types ０-９). NFKC does the folding.
 */

const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/;
const FRAMING = /^[\s\u3000]+|[\s\u3000]+$/g;

export interface NormalisedScan {
  readonly text: string;
  /** The AIM identifier the scanner sent, e.g. "]E0" (EAN-13), when there was one. */
  readonly aimId: string | undefined;
}

export function normaliseScan(raw: string): NormalisedScan {
  let text = raw.normalize('NFKC').replace(FRAMING, '');
  let aimId: string | undefined;
  const aim = AIM_PREFIX.exec(text);
  if (aim) {
    aimId = aim[0];
    text = text.slice(aim[0].length).replace(FRAMING, '');
  }
  return { text, aimId };
}
