/**
 * The packaging checks need tools a developer's machine may lack (electron-builder's deps,
 * systemd-analyze, systemd-sysusers). `.ci/run` installs all of them, so in CI a missing tool is a
 * failure, never a silent skip; elsewhere the test is skipped and says why.
 */
import type { TestContext } from 'vitest';

export function requireTool(ctx: TestContext, missing: string | null): void {
  if (missing === null) return;
  if (process.env.CI) throw new Error(`${missing}: CI installs it (.ci/run), so this must run there`);
  console.warn(`skipped: ${missing}`);
  ctx.skip();
}
