/**
 * `npm run coverage` (build/scripts/coverage-report.js) on a small project tree: one file run by a
 * "test worker" (hand-made Istanbul data, as @vitest/coverage-v8 writes it) and by a real child
 * process under NODE_V8_COVERAGE. The report must count what only the child ran, and say so when
 * there is no data instead of failing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const script = path.join(root, 'build', 'scripts', 'coverage-report.js');
const work = mkdtempSync(path.join(tmpdir(), 'scanpay-coverage-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SOURCE = [
  'export function inWorker(): number {', // 1
  '  return 1;', // 2
  '}', // 3
  'export function inChild(): number {', // 4
  '  return 2;', // 5
  '}', // 6
  'export function nowhere(): number {', // 7
  '  return 3;', // 8
  '}', // 9
  'if (process.argv[2] === "child") console.log(inChild());', // 10
  '',
].join('\n');

function statement(line: number, from: number, to: number) {
  return { start: { line, column: from }, end: { line, column: to } };
}

function report(project: string) {
  return spawnSync(process.execPath, [script, '--root', project], { encoding: 'utf8' });
}

describe('npm run coverage', () => {
  it('counts lines that only a child process ran, merged with what the workers ran', () => {
    const project = path.join(work, 'project');
    const file = path.join(project, 'core', 'area', 'sample.ts');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, SOURCE);
    // The worker ran inWorker's body only (line 2); it maps lines 2, 5, 8 and 10 as statements.
    const workers = {
      [file]: {
        path: file,
        statementMap: {
          0: statement(2, 2, 11),
          1: statement(5, 2, 11),
          2: statement(8, 2, 11),
          3: statement(10, 0, 55),
        },
        s: { 0: 1, 1: 0, 2: 0, 3: 0 },
        fnMap: {},
        f: {},
        branchMap: {},
        b: {},
      },
    };
    mkdirSync(path.join(project, 'coverage', 'workers'), { recursive: true });
    writeFileSync(path.join(project, 'coverage', 'workers', 'coverage-final.json'), JSON.stringify(workers));
    // A real child process runs inChild (lines 5 and 10) and writes raw V8 coverage.
    const child = spawnSync(process.execPath, [file, 'child'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_V8_COVERAGE: path.join(project, 'coverage', 'children-raw') },
    });
    expect(child.stdout.trim()).toBe('2');

    const run = report(project);
    expect(run.status).toBe(0);
    const row = run.stdout.split('\n').find((line) => line.trim().startsWith('core/area'));
    // 4 statement lines; covered: 2 (worker), 5 and 10 (child); only in the child: 5 and 10.
    expect(row).toMatch(/75\.0 %\s+3\/4\s+only in child processes: 2$/);
  });

  it('says there is no data, and succeeds, when no coverage run happened', () => {
    const empty = path.join(work, 'empty');
    mkdirSync(empty);
    const run = report(empty);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('coverage: no data');
  });
});
