/**
 * The layering rules `npm run lint` enforces (biome.json overrides + build/lint/*.grit): one
 * violation of each is planted in a temporary tree that carries the project's own lint
 * configuration, and Biome must refuse each one naming its rule, while the allowed neighbours of
 * each violation pass. The real tree must have no boundary diagnostic at all.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const biome = path.join(root, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
const work = mkdtempSync(path.join(tmpdir(), 'scanpay-boundaries-'));

const RULES = [
  'renderer-imports-core-common-only',
  'core-never-imports-shell',
  'pure-domain-and-common',
  'clock-is-a-port',
  'gateways-never-import-engine',
  'raw-ipc-in-bridge-only',
] as const;
type Rule = (typeof RULES)[number];

/** A planted file and the rules Biome must name for it (none: it is allowed). */
const PLANTED: Record<string, { readonly source: string; readonly rules: readonly Rule[] }> = {
  'renderer/src/screens/planted.ts': {
    source:
      "import { CheckoutEngine } from '../../../core/engine/checkout-engine.ts';\nexport const x = CheckoutEngine;\n",
    rules: ['renderer-imports-core-common-only'],
  },
  'renderer/src/screens/allowed.ts': {
    source:
      "import { toErrorShape } from '../../../core/common/errors.ts';\nexport const x = toErrorShape;\n",
    rules: [],
  },
  'core/service/planted-electron.ts': {
    source:
      "import { windowOptions } from '../../electron/window-policy.ts';\nexport const x = windowOptions;\n",
    rules: ['core-never-imports-shell'],
  },
  'core/engine/planted-renderer.ts': {
    source: "import { en } from '../../renderer/src/i18n/en.ts';\nexport const x = en;\n",
    rules: ['core-never-imports-shell'],
  },
  'core/domain/planted-engine.ts': {
    source: "import type { EngineDeps } from '../engine/engine-deps.ts';\nexport type X = EngineDeps;\n",
    rules: ['pure-domain-and-common'],
  },
  'core/common/planted-node.ts': {
    source: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    rules: ['pure-domain-and-common'],
  },
  'core/common/planted-gateway.ts': {
    source: "import { x as y } from '../gateways/shared/http.ts';\nexport const x = y;\n",
    rules: ['pure-domain-and-common'],
  },
  'core/domain/planted-ports.ts': {
    source: "import type { Journal } from '../ports/journal.ts';\nexport type X = Journal;\n",
    rules: ['pure-domain-and-common'],
  },
  'core/domain/planted-now.ts': {
    source: 'export const at = (): number => Date.now();\n',
    rules: ['clock-is-a-port'],
  },
  'core/common/planted-new-date.ts': {
    source: 'export const today = (): string => new Date().toISOString();\n',
    rules: ['clock-is-a-port'],
  },
  'core/domain/allowed-dates.ts': {
    source:
      'export const parse = (s: string): number => Date.parse(s);\nexport const iso = (ms: number): string => new Date(ms).toISOString();\n',
    rules: [],
  },
  'core/engine/allowed-clock.ts': {
    source: 'export const at = (): number => Date.now();\n',
    rules: [],
  },
  'core/gateways/wxpay/planted-engine.ts': {
    source: "import type { EngineDeps } from '../../engine/engine-deps.ts';\nexport type X = EngineDeps;\n",
    rules: ['gateways-never-import-engine'],
  },
  'core/gateways/alipay/planted-service.ts': {
    source: "import { x as y } from '../../service/till.ts';\nexport const x = y;\n",
    rules: ['gateways-never-import-engine'],
  },
  'electron/planted-ipc.ts': {
    source: "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n",
    rules: ['raw-ipc-in-bridge-only'],
  },
  'electron/planted-ipc-member.ts': {
    source: "import * as electron from 'electron';\nexport const x = electron.ipcRenderer;\n",
    rules: ['raw-ipc-in-bridge-only'],
  },
  'test/electron/planted-ipc.test.ts': {
    source: "import { ipcRenderer as r } from 'electron';\nexport const x = r;\n",
    rules: ['raw-ipc-in-bridge-only'],
  },
  'electron/main.ts': {
    source: "import { app, ipcMain } from 'electron';\nexport const x = [app, ipcMain];\n",
    rules: [],
  },
  'electron/preload.ts': {
    source:
      "import { contextBridge, ipcRenderer } from 'electron';\nexport const x = [contextBridge, ipcRenderer];\n",
    rules: [],
  },
};

interface Diagnostic {
  readonly message: string;
  readonly location: { readonly path: string };
}

function lint(cwd: string, target = '.'): Diagnostic[] {
  const run = spawnSync(
    process.execPath,
    [biome, 'lint', '--reporter=json', '--max-diagnostics=none', target],
    { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.stdout.trim() === '') throw new Error(`biome printed nothing (exit ${run.status}):\n${run.stderr}`);
  const report = JSON.parse(run.stdout) as { diagnostics: (Diagnostic & { severity: string })[] };
  return report.diagnostics.filter((d) => d.severity === 'error');
}

function rulesNamed(diagnostics: readonly Diagnostic[], file: string): Rule[] {
  const found = new Set<Rule>();
  for (const d of diagnostics) {
    if (d.location.path.replaceAll('\\', '/') !== file) continue;
    for (const rule of RULES) if (d.message.includes(`[${rule}]`)) found.add(rule);
  }
  return [...found].sort();
}

let planted: Diagnostic[] = [];

beforeAll(() => {
  cpSync(path.join(root, 'biome.json'), path.join(work, 'biome.json'));
  cpSync(path.join(root, 'build', 'lint'), path.join(work, 'build', 'lint'), { recursive: true });
  for (const [file, { source }] of Object.entries(PLANTED)) {
    mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    writeFileSync(path.join(work, file), source);
  }
  planted = lint(work);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('boundaries enforced by npm run lint', () => {
  for (const [file, { rules }] of Object.entries(PLANTED)) {
    const what = rules.length === 0 ? 'passes' : `fails naming ${rules.join(', ')}`;
    it(`${file} ${what}`, () => {
      expect(rulesNamed(planted, file)).toEqual([...rules].sort());
    });
  }

  it('plants a violation of every rule', () => {
    const planted = new Set(Object.values(PLANTED).flatMap((p) => p.rules));
    expect([...planted].sort()).toEqual([...RULES].sort());
  });

  it('finds no boundary violation in the project itself', () => {
    const boundary = lint(root, '.').filter((d) => RULES.some((rule) => d.message.includes(`[${rule}]`)));
    expect(boundary.map((d) => `${d.location.path}: ${d.message}`)).toEqual([]);
  });
});
