/** The human-readable doctor report: what a technician reads on site. */
import type { Diagnostics } from './collect-diagnostics.ts';

export function formatDiagnostics(report: Diagnostics): string {
  const lines: string[] = [];
  lines.push('HID devices');
  if (!report.hid.available) {
    lines.push(`  unavailable: ${report.hid.reason}`);
  } else if (report.hid.devices.length === 0) {
    lines.push('  none');
  } else {
    for (const d of report.hid.devices) {
      const name = [d.manufacturer, d.product].filter(Boolean).join(' ') || '(no name)';
      const access = d.accessible === false ? '  [no permission]' : '';
      lines.push(
        `  ${d.vendorId}:${d.productId}  ${d.kind.padEnd(16)} usage page ${d.usagePage ?? '?'} usage ${d.usage ?? '?'}  ${name}  ${d.path ?? ''}${access}`,
      );
      if (d.hint) lines.push(`      hint: ${d.hint}`);
    }
  }
  lines.push('', 'Serial ports');
  if (!report.serial.available) {
    lines.push(`  unavailable: ${report.serial.reason}`);
  } else if (report.serial.ports.length === 0) {
    lines.push('  none');
  } else {
    for (const p of report.serial.ports) {
      const ids = p.vendorId ? `${p.vendorId}:${p.productId ?? '?'}` : '-';
      const access = p.accessible === false ? '  [no permission]' : '';
      lines.push(
        `  ${p.path}  ${ids}  ${[p.manufacturer, p.serialNumber].filter(Boolean).join(' ')}${access}`,
      );
    }
  }
  lines.push('', 'Problems');
  if (report.problems.length === 0) lines.push('  none found');
  for (const problem of report.problems) {
    lines.push(`  ${problem.severity === 'error' ? 'ERROR' : 'warn '} ${problem.code}: ${problem.message}`);
    if (problem.fix) lines.push(...problem.fix.split('\n').map((line) => `        fix: ${line}`));
  }
  return lines.join('\n');
}
