// `npm run coverage`: prints the line coverage of the last `SCANPAY_COVERAGE=1` test run (see
// vitest.config.ts), counting both code run inside the test workers (@vitest/coverage-v8, in
// coverage/workers/) and code run in the child processes the tests start (raw V8 coverage written
// through NODE_V8_COVERAGE into coverage/children-raw/, turned into Istanbul data by `c8 report`).
// The merge and the per-folder table are hand-written because neither tool merges the other's
// output: Istanbul's own coverage map merges the data (istanbul-lib-coverage, written to
// coverage/merged/ for other tools), and the printed table counts lines the way explained below,
// because the two tools cut statements differently. It never fails on a threshold; it exits 0 with
// a note when there is no data.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { createCoverageMap } = require('istanbul-lib-coverage');

// `--root DIR` reads DIR/coverage of another project tree (the test of this script uses one).
const rootFlag = process.argv.indexOf('--root');
const root =
  rootFlag > 0 && process.argv[rootFlag + 1]
    ? path.resolve(process.argv[rootFlag + 1])
    : path.resolve(import.meta.dirname, '..', '..');
const dir = path.join(root, 'coverage');
const workersFile = path.join(dir, 'workers', 'coverage-final.json');
const childrenRaw = path.join(dir, 'children-raw');
const childrenDir = path.join(dir, 'children');
const INCLUDE = ['core/**/*.ts', 'electron/**/*.ts', 'renderer/src/**/*.{ts,tsx}', 'bin/**/*.js'];

function childrenCoverage() {
  if (!existsSync(childrenRaw) || readdirSync(childrenRaw).length === 0) return null;
  const args = [
    require.resolve('c8/bin/c8.js'),
    'report',
    '--temp-directory',
    childrenRaw,
    '--reports-dir',
    childrenDir,
    '--reporter',
    'json',
    '--all',
    'false',
    ...INCLUDE.flatMap((glob) => ['--include', glob]),
    '--exclude',
    'test/**',
  ];
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) {
    console.log(`coverage: c8 could not read the child-process coverage: ${run.stderr.trim()}`);
    return null;
  }
  return JSON.parse(readFileSync(path.join(childrenDir, 'coverage-final.json'), 'utf8'));
}

const workers = existsSync(workersFile) ? JSON.parse(readFileSync(workersFile, 'utf8')) : null;
const children = childrenCoverage();
if (workers === null && children === null) {
  console.log('coverage: no data (run the tests with SCANPAY_COVERAGE=1 first, as .ci/run does)');
  process.exit(0);
}

const merged = createCoverageMap({});
if (workers !== null) merged.merge(structuredClone(workers));
if (children !== null) merged.merge(structuredClone(children));
mkdirSync(path.join(dir, 'merged'), { recursive: true });
writeFileSync(path.join(dir, 'merged', 'coverage-final.json'), JSON.stringify(merged.toJSON()));

// The table counts lines at one granularity, vitest's: the lines where a statement starts (vitest
// maps every included file, run or not). A line is covered when a worker ran a statement starting
// there or a child process ran that line (c8 counts per line).
const childLines = new Map();
if (children !== null) {
  const map = createCoverageMap(structuredClone(children));
  for (const file of map.files()) childLines.set(file, map.fileCoverageFor(file).getLineCoverage());
}
const groups = new Map();
let onlyInChildren = 0;
for (const [file, data] of Object.entries(workers ?? {})) {
  const relative = path.relative(root, file).replaceAll('\\', '/');
  if (!/^(core|electron|renderer\/src|bin)\//.test(relative)) continue;
  const parts = relative.split('/');
  const group = parts[0] === 'core' || parts[0] === 'renderer' ? parts.slice(0, 2).join('/') : parts[0];
  const entry = groups.get(group) ?? { lines: 0, covered: 0, childOnly: 0 };
  const lines = new Map();
  for (const [id, hits] of Object.entries(data.s)) {
    const line = data.statementMap[id].start.line;
    lines.set(line, (lines.get(line) ?? 0) + hits);
  }
  const inChildren = childLines.get(file) ?? {};
  for (const [line, workerHits] of lines) {
    entry.lines++;
    const childHits = inChildren[line] ?? 0;
    if (workerHits > 0 || childHits > 0) entry.covered++;
    if (workerHits === 0 && childHits > 0) {
      entry.childOnly++;
      onlyInChildren++;
    }
  }
  groups.set(group, entry);
}

const pct = (covered, total) => (total === 0 ? '–' : `${((100 * covered) / total).toFixed(1)} %`);
const rows = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
const total = rows.reduce(
  (sum, [, e]) => ({ lines: sum.lines + e.lines, covered: sum.covered + e.covered }),
  {
    lines: 0,
    covered: 0,
  },
);
console.log('coverage (lines; workers + child processes):');
for (const [group, e] of rows) {
  console.log(
    `  ${group.padEnd(18)} ${pct(e.covered, e.lines).padStart(8)}  ${String(e.covered).padStart(6)}/${String(e.lines).padEnd(6)}  only in child processes: ${e.childOnly}`,
  );
}
console.log(
  `  ${'all'.padEnd(18)} ${pct(total.covered, total.lines).padStart(8)}  ${String(total.covered).padStart(6)}/${String(total.lines).padEnd(6)}  only in child processes: ${onlyInChildren}`,
);
console.log(
  `coverage: merged Istanbul data in ${path.relative(root, path.join(dir, 'merged'))}/coverage-final.json`,
);
