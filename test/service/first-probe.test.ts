/**
 * The start-up probe of every provider runs after the service is up (FIRST_PROBE_AFTER_MS), not on
 * its start path, and still runs: the providers go from unchecked to up without any sale, and the
 * change is pushed to the UI (a `health` event).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type KioskService, startKioskService } from '../../core/service/kiosk-service.ts';
import { FIRST_PROBE_AFTER_MS } from '../../core/service/provider-health.ts';

let service: KioskService | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the start-up provider probe', () => {
  it('has not run when the service is up, then runs by itself and is pushed', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scanpay-first-probe-'));
    service = await startKioskService({ dataDir });
    const pushed: string[][] = [];
    service.onEvent((event) => {
      if (event.kind === 'health') pushed.push(event.health.providers.map((p) => p.reachability));
    });
    // Well inside FIRST_PROBE_AFTER_MS, and far longer than a probe of the built-in sandbox takes
    // (a few ms): a probe started with the service would have answered by now.
    await new Promise((resolve) => setTimeout(resolve, FIRST_PROBE_AFTER_MS / 3));
    const atStart = (await service.api.health({})).providers;
    expect(atStart.length).toBeGreaterThan(0);
    expect(atStart.map((p) => p.reachability)).toEqual(atStart.map(() => 'unknown'));

    const deadline = Date.now() + FIRST_PROBE_AFTER_MS + 10_000;
    let providers = atStart;
    while (Date.now() < deadline && !providers.every((p) => p.reachability === 'up')) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      providers = (await service.api.health({})).providers;
    }
    expect(providers.map((p) => p.reachability)).toEqual(atStart.map(() => 'up'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pushed.some((view) => view.length === atStart.length && view.every((r) => r === 'up'))).toBe(true);
  });
});
