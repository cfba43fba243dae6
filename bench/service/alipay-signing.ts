/**
 * Alipay request signing, alipay-sdk vs node:crypto (`node bench/service/alipay-signing.ts`), the
 * figures behind core/gateways/alipay/alipay-signer.ts (docs/benchmarks.md, "Alipay signing"):
 * 1. what importing alipay-sdk costs a fresh process (time of the import, resident memory after it),
 *    against a process that imports only node:crypto, which is all the node:crypto signer needs;
 *    interleaved runs, medians;
 * 2. one request signed (alipay.trade.pay, the same parameters): sdkExecute(), which parses the PEM
 *    key on every call, vs the signer with the key parsed once; interleaved rounds, medians;
 * 3. certificate mode set-up: new AlipaySdk({...certificates}) vs createAlipayRequestSigner().
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AlipaySdk } from 'alipay-sdk';
import { createAlipayRequestSigner } from '../../core/gateways/alipay/alipay-signer.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import { median } from '../lib/stats.ts';
import { formatTable } from '../lib/table.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface AlipaySigningFigures {
  readonly sdkImportMs: number;
  readonly cryptoImportMs: number;
  readonly sdkImportRssMiB: number;
  readonly cryptoImportRssMiB: number;
  readonly sdkSignUs: number;
  readonly cryptoSignUs: number;
  readonly sdkCertSetupMs: number;
  readonly cryptoCertSetupMs: number;
}

/** Import `specifier` in a fresh Node process; its import time (ms) and RSS afterwards (MiB). */
function importInFreshProcess(specifier: string): { ms: number; rssMiB: number } {
  const script = `
    const started = performance.now();
    await import(${JSON.stringify(specifier)});
    const ms = performance.now() - started;
    console.log(JSON.stringify({ ms, rssMiB: process.memoryUsage.rss() / 2 ** 20 }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.status !== 0) throw new Error(`importing ${specifier} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { ms: number; rssMiB: number };
}

function microsPerCall(calls: number, work: () => unknown): number {
  const started = performance.now();
  for (let i = 0; i < calls; i++) work();
  return ((performance.now() - started) / calls) * 1000;
}

export function measureAlipaySigning(options: {
  imports: number;
  rounds: number;
  calls: number;
}): AlipaySigningFigures {
  const sdkImports: { ms: number; rssMiB: number }[] = [];
  const cryptoImports: { ms: number; rssMiB: number }[] = [];
  for (let i = 0; i < options.imports; i++) {
    sdkImports.push(importInFreshProcess('alipay-sdk'));
    cryptoImports.push(importInFreshProcess('node:crypto'));
  }

  const ali = loadSandboxKeys().credentials.alipay;
  const appId = '2021000000000001';
  const sdk = new AlipaySdk({
    appId,
    privateKey: ali.app_private_key,
    keyType: 'PKCS8',
    alipayPublicKey: ali.alipay_public_key,
    signType: 'RSA2',
    camelcase: false,
  });
  const signer = createAlipayRequestSigner({ app_id: appId, app_private_key: ali.app_private_key });
  const bizContent = {
    out_trade_no: 'SP20261130000001',
    scene: 'bar_code',
    auth_code: '281234567890123456',
    subject: '当面付 bench',
    total_amount: '6.60',
  };
  const timestamp = '2026-11-30 18:00:00';
  const sdkUs: number[] = [];
  const cryptoUs: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    sdkUs.push(
      microsPerCall(options.calls, () =>
        sdk.sdkExecute(
          'alipay.trade.pay',
          { timestamp, biz_content: bizContent },
          { bizContentAutoSnakeCase: false },
        ),
      ),
    );
    cryptoUs.push(
      microsPerCall(options.calls, () => signer.sign({ method: 'alipay.trade.pay', timestamp, bizContent })),
    );
  }

  const sdkSetup: number[] = [];
  const cryptoSetup: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    sdkSetup.push(
      microsPerCall(
        20,
        () =>
          new AlipaySdk({
            appId,
            privateKey: ali.app_private_key,
            keyType: 'PKCS8',
            appCertContent: ali.app_cert,
            alipayPublicCertContent: ali.alipay_public_cert,
            alipayRootCertContent: ali.alipay_root_cert,
          }),
      ) / 1000,
    );
    cryptoSetup.push(
      microsPerCall(20, () =>
        createAlipayRequestSigner({
          app_id: appId,
          app_private_key: ali.app_private_key,
          certificates: { app_cert: ali.app_cert, alipay_root_cert: ali.alipay_root_cert },
        }),
      ) / 1000,
    );
  }
  return {
    sdkImportMs: median(sdkImports.map((r) => r.ms)),
    cryptoImportMs: median(cryptoImports.map((r) => r.ms)),
    sdkImportRssMiB: median(sdkImports.map((r) => r.rssMiB)),
    cryptoImportRssMiB: median(cryptoImports.map((r) => r.rssMiB)),
    sdkSignUs: median(sdkUs),
    cryptoSignUs: median(cryptoUs),
    sdkCertSetupMs: median(sdkSetup),
    cryptoCertSetupMs: median(cryptoSetup),
  };
}

export function formatAlipaySigning(f: AlipaySigningFigures): string {
  return formatTable(
    ['figure', 'alipay-sdk', 'node:crypto signer', 'ratio'],
    [
      ['import into a fresh process, ms', f.sdkImportMs, f.cryptoImportMs, f.sdkImportMs / f.cryptoImportMs],
      [
        'RSS after the import, MiB',
        f.sdkImportRssMiB,
        f.cryptoImportRssMiB,
        f.sdkImportRssMiB / f.cryptoImportRssMiB,
      ],
      ['sign alipay.trade.pay, µs per request', f.sdkSignUs, f.cryptoSignUs, f.sdkSignUs / f.cryptoSignUs],
      [
        'certificate-mode set-up, ms',
        f.sdkCertSetupMs,
        f.cryptoCertSetupMs,
        f.sdkCertSetupMs / f.cryptoCertSetupMs,
      ],
    ],
    { decimals: 2 },
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const figures = measureAlipaySigning({
    imports: quick ? 3 : 7,
    rounds: quick ? 3 : 7,
    calls: quick ? 200 : 1000,
  });
  console.log('Alipay signing: alipay-sdk vs node:crypto (medians)');
  console.log(formatAlipaySigning(figures));
}
