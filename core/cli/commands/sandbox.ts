/**
 * `scanpay sandbox [--port N] [--host 127.0.0.1]`: runs the built-in sandbox gateway until SIGINT or
 * SIGTERM. The first stdout line is one JSON object with the URLs and credentials (so a script or a
 * test can read exactly one line and go); a human summary goes to stderr.
 */
import { type RunningSandbox, startSandbox } from '../../sandbox/start-sandbox.ts';
import { type CliCommand, parseArgs } from '../cli-command.ts';

export const DEFAULT_SANDBOX_PORT = 4780;

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return DEFAULT_SANDBOX_PORT;
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65_535 ? port : undefined;
}

function summary(sandbox: RunningSandbox): string {
  const { wxpay, alipay, payjs } = sandbox.credentials;
  return [
    `ScanPay sandbox gateway on ${sandbox.url} (secapi mTLS: ${sandbox.secapiUrl})`,
    `  WeChat Pay v2  ${sandbox.url}/wxpay/pay/micropay   appid ${wxpay.appid}  mch_id ${wxpay.mch_id}`,
    `  Alipay         ${sandbox.url}/alipay/gateway.do    app_id ${alipay.app_id}`,
    `  PAYJS          ${sandbox.url}/payjs/api/micropay  mchid ${payjs.mchid}`,
    `  WeChat Pay v3  ${sandbox.url}/wxpay/v3/pay/transactions/codepay  mchid ${sandbox.credentials.wxpay_v3.mchid}`,
    `  customer phone POST ${sandbox.url}/_sandbox/wallet/codes {"wallet":"wxpay","behavior":"instant"}`,
    `  truth          GET  ${sandbox.url}/_sandbox/trades`,
    'These credentials are public sandbox values; they work nowhere else. Ctrl+C stops.',
  ].join('\n');
}

export const command: CliCommand = {
  async run(args) {
    const { flags } = parseArgs(args, { values: ['port', 'host'] });
    const port = parsePort(flags.port);
    if (port === undefined) {
      console.error(`--port must be an integer from 0 to 65535, got ${JSON.stringify(flags.port)}`);
      return 2;
    }
    const host = flags.host ?? '127.0.0.1';
    let sandbox: RunningSandbox;
    try {
      sandbox = await startSandbox({ port, host });
    } catch (error) {
      const code = (error as { code?: string }).code;
      console.error(`cannot start the sandbox on ${host}:${port}: ${code ?? (error as Error).message}`);
      return 1;
    }
    const { wxpay, alipay, payjs, wxpay_v3 } = sandbox.credentials;
    process.stdout.write(
      `${JSON.stringify({ url: sandbox.url, secapi_url: sandbox.secapiUrl, wxpay, alipay, payjs, wxpay_v3 })}\n`,
    );
    console.error(summary(sandbox));
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await sandbox.close();
    return 0;
  },
};
