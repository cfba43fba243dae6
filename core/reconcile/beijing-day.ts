/**
 * Bills are per Beijing calendar day (UTC+8, no daylight saving): a day is YYYY-MM-DD, checked to
 * be a real date, and maps to [start, end) in ms since epoch.
 */
import { ValidationError } from '../common/errors.ts';

const BEIJING_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function assertBillDate(date: string): void {
  const m = DATE.exec(date);
  const real =
    m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === date;
  if (!real)
    throw new ValidationError(
      'reconcile_date_invalid',
      `date must be a calendar day written YYYY-MM-DD, got ${JSON.stringify(date.slice(0, 20))}`,
    );
}

export function beijingDayRange(date: string): { start: number; end: number } {
  assertBillDate(date);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const start = Date.UTC(y, m - 1, d) - BEIJING_OFFSET_MS;
  return { start, end: start + DAY_MS };
}

/** The Beijing calendar day that `ms` falls on. */
export function beijingDate(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** `date` moved by `days`. */
export function addDays(date: string, days: number): string {
  return beijingDate(beijingDayRange(date).start + days * DAY_MS);
}
