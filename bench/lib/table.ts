/** Plain-text table for benchmark output: one header row, aligned columns, numbers right-aligned. */

export type Cell = string | number;

export interface TableOptions {
  /** Digits after the decimal point for non-integer numbers (default 1). */
  readonly decimals?: number;
}

function show(cell: Cell, decimals: number): string {
  if (typeof cell === 'string') return cell;
  return Number.isInteger(cell) ? cell.toLocaleString('en-US') : cell.toFixed(decimals);
}

export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  options: TableOptions = {},
): string {
  const decimals = options.decimals ?? 1;
  const text = rows.map((row) => headers.map((_, i) => show(row[i] ?? '', decimals)));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((row) => row[i]!.length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number'));
  const line = (cells: readonly string[], header: boolean) =>
    cells
      .map((c, i) => (numeric[i] && !header ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(headers, true),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...text.map((r) => line(r, false)),
  ].join('\n');
}
