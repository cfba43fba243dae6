/**
 * A massage chair's paid action as a module (`{kind: 'module'}`), written into a fresh temporary
 * directory: each run appends one line to `fired.log`, so a test sees exactly which orders started
 * the chair and how often. Shared by the paid-action tests (test/service/paid-actions-*.test.ts,
 * test/security/paid-action-price-floor.test.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChairModule {
  /** The temporary directory (the caller removes it). */
  readonly dir: string;
  /** The module the paid action loads. */
  readonly modulePath: string;
  /** One line per run, as `line` wrote it. */
  readonly firedFile: string;
}

/**
 * Writes the chair module. `line` is the JavaScript expression each run appends, over the callback
 * argument `c` (default: the order number).
 */
export function writeChairModule(prefix: string, line = 'c.out_trade_no'): ChairModule {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const firedFile = join(dir, 'fired.log');
  writeFileSync(firedFile, '');
  const modulePath = join(dir, 'start-chair.mjs');
  writeFileSync(
    modulePath,
    `import { appendFileSync } from 'node:fs';\nexport default (c) => { appendFileSync(${JSON.stringify(firedFile)}, ${line} + '\\n'); return true; };\n`,
  );
  return { dir, modulePath, firedFile };
}

/** The lines the chair wrote so far. */
export function firedLines(firedFile: string): string[] {
  return readFileSync(firedFile, 'utf8').split('\n').filter(Boolean);
}
