import { rmSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Coverage (SCANPAY_COVERAGE=1, set by .ci/run for its one `npm test`; `npm run coverage` prints it):
 * code run inside the test workers is measured by @vitest/coverage-v8, and code run in the child
 * processes tests start (`scanpay serve`, the CLI, the bundled main, chaos runs) by V8 itself through
 * NODE_V8_COVERAGE, which every child inherits from the worker's environment. The two are merged by
 * build/scripts/coverage-report.js. No thresholds: the figures are printed, never fail a run.
 */
const coverage = process.env.SCANPAY_COVERAGE === '1';
const root = import.meta.dirname;
const COVERAGE_DIR = path.join(root, 'coverage');
// Raw V8 files from an earlier run would be counted again: start empty (vitest cleans its own folder).
if (coverage) rmSync(path.join(COVERAGE_DIR, 'children-raw'), { recursive: true, force: true });

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    pool: 'forks',
    setupFiles: ['test/setup/fast-check-seed.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    ...(coverage
      ? {
          env: { NODE_V8_COVERAGE: path.join(COVERAGE_DIR, 'children-raw') },
          coverage: {
            enabled: true,
            provider: 'v8',
            include: ['core/**/*.ts', 'electron/**/*.ts', 'renderer/src/**/*.{ts,tsx}', 'bin/**/*.js'],
            reporter: ['json'],
            reportsDirectory: path.join(COVERAGE_DIR, 'workers'),
          },
        }
      : {}),
  },
});
