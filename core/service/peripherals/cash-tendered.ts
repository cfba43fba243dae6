/**
 * What the customer handed over for a cash sale, kept on the order (`custom.tendered_fee`) so its
 * receipt can print 实收 and 找零 — also when reprinted later. Fen, like every amount. Reading it
 * back is `tenderedFeeOf` in core/common/cash-tendered.ts (the customer screen reads it too).
 */
import { ValidationError } from '../../common/errors.ts';

/** The order's `custom` for a cash sale; throws before anything is written when too little was tendered. */
export function cashTenderedCustom(
  totalFee: number,
  tenderedFee: number | undefined,
): { custom?: { tendered_fee: number } } {
  if (tenderedFee === undefined) return {};
  if (tenderedFee < totalFee)
    throw new ValidationError(
      'cash_tendered_short',
      `tendered_fee ${tenderedFee} fen is less than the sale's ${totalFee} fen`,
      { field: 'tendered_fee' },
    );
  return { custom: { tendered_fee: tenderedFee } };
}
