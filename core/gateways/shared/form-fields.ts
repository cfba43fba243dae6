/**
 * Alipay and PAYJS notifications are `application/x-www-form-urlencoded`. URLSearchParams decodes
 * them; this only refuses a repeated field, since a duplicated out_trade_no or total_fee could make
 * the value we verified differ from the one we read.
 */
export type FormFieldsResult =
  | { readonly ok: true; readonly fields: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly problem: string };

export function parseFormFields(body: string): FormFieldsResult {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (Object.hasOwn(fields, name)) return { ok: false, problem: `field ${name} is repeated` };
    fields[name] = value;
  }
  return { ok: true, fields };
}
