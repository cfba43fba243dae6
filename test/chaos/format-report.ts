/** The chaos run's summary table and its violation lines, for the CLI and the test's failure message. */
import type { ChaosReport } from './chaos-run.ts';

export function formatReport(report: ChaosReport): string {
  const f = report.figures;
  const phases = Object.entries(f.phases)
    .map(([phase, n]) => `${phase} ${n}`)
    .join(', ');
  const errors = Object.entries(report.createErrors)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  const rows: [string, string][] = [
    ['seed', String(report.seed)],
    ['payments planned', String(report.payments)],
    ['SIGKILLs + restarts', String(report.kills)],
    ['acknowledged (HTTP 200)', String(f.acknowledged)],
    ['createPayment not acknowledged', errors || '0'],
    ['orders in journal', String(f.orders)],
    ['attempt phases', phases],
    ['paid orders', String(f.paidOrders)],
    ['stops / refunds requested', `${report.stopsRequested} / ${report.refundsRequested}`],
    ['refunded (fen)', String(f.refundedFen)],
    ['held, journal = sandbox (fen)', String(f.heldFen)],
    ['callbacks delivered (orders)', String(f.deliveredOrders)],
    ['duplicate deliveries', String(f.duplicateDeliveries)],
    ['max reverse_count', String(f.maxReverseCount)],
    ['needs_attention (money agrees)', String(report.attention.length)],
    ['known PAYJS refund defect', String(report.knownDefects.length)],
    ['settled', String(report.settled)],
    ['elapsed', `${(report.elapsedMs / 1000).toFixed(1)} s`],
    ['violations', String(report.violations.length)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  for (const line of report.attention) lines.push(`  attention: ${line}`);
  for (const line of report.knownDefects) lines.push(`  known defect: ${line}`);
  for (const line of report.violations.slice(0, 50)) lines.push(`  VIOLATION: ${line}`);
  if (report.violations.length > 50) lines.push(`  … and ${report.violations.length - 50} more`);
  return lines.join('\n');
}
