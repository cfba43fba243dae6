/**
 * A till whose line to the providers runs through an outage proxy: the sandbox in its own process,
 * the proxy in front of it (down or up at the start), `scanpay serve` on the proxy with a shift open,
 * and a Chromium page. The offline and outage end-to-end tests start from here.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newPage } from './browser.ts';
import { type OutageProxy, startOutageProxy } from './outage-proxy.ts';
import { api } from './sandbox.ts';
import { type RunningServe, startSandboxProcess, startServe } from './serve.ts';

export interface TillBehindProxy {
  readonly sandbox: { url: string; stop(): Promise<void> };
  readonly proxy: OutageProxy;
  readonly serve: RunningServe;
  readonly browser: Browser;
  readonly page: Page;
  stop(): Promise<void>;
}

export async function startTillBehindProxy(startDown: boolean): Promise<TillBehindProxy> {
  const [sandbox, browser] = await Promise.all([startSandboxProcess(), launchChromium()]);
  let proxy: OutageProxy | undefined;
  let serve: RunningServe | undefined;
  let page: Page;
  try {
    proxy = await startOutageProxy(sandbox.url, startDown);
    serve = await startServe({ sandboxUrl: proxy.url });
    await api(serve.url, 'openShift', { cashier: 'Zhao', float_fee: 0 });
    page = await newPage(browser);
  } catch (error) {
    // Nothing started may outlive a failed start (the sandbox and serve are child processes).
    await browser.close();
    await serve?.stop();
    await proxy?.close();
    await sandbox.stop();
    throw error;
  }
  return {
    sandbox,
    proxy,
    serve,
    browser,
    page,
    async stop() {
      await browser.close();
      await serve.stop();
      await proxy.close();
      await sandbox.stop();
    },
  };
}
