/** What both engine benchmarks share: a temp directory, a one-merchant directory, fresh payment codes. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLL_POLICIES } from '../../core/domain/poll-policy.ts';
import type { MerchantDirectory, MerchantGateways } from '../../core/engine/engine-deps.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';

export function benchDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `scanpay-bench-${name}-`));
}

export function oneMerchant(gateways: readonly PaymentGateway[]): MerchantDirectory {
  const merchant: MerchantGateways = { pid: 'm1', gateways, policies: DEFAULT_POLL_POLICIES };
  return { defaultPid: 'm1', get: (pid) => (pid === 'm1' ? merchant : undefined), all: () => [merchant] };
}

/** The i-th distinct WeChat payment code (18 digits, prefix 13): no two attempts reuse a code. */
export function wechatCode(i: number): string {
  return `13${i.toString().padStart(16, '0')}`;
}

/** Reads back the pragmas that decide durability, to show both sides of a comparison use the same. */
export function durabilityOf(db: { prepare(sql: string): { get(): unknown } }): string {
  const mode = db.prepare('PRAGMA journal_mode').get() as { journal_mode: string };
  const sync = db.prepare('PRAGMA synchronous').get() as { synchronous: number };
  const names = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];
  return `journal_mode=${mode.journal_mode} synchronous=${names[sync.synchronous] ?? sync.synchronous}`;
}
