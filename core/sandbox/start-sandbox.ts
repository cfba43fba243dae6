/**
 * Starts the sandbox gateway: a plain HTTP server (WeChat v2, Alipay, PAYJS and the /_sandbox
 * control API) and a TLS server for WeChat's /secapi that insists on the sandbox-issued client
 * certificate, both on 127.0.0.1 by default. Used in-process by tests, by `scanpay sandbox`, and by
 * the kiosk service's default configuration.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '../ports/clock.ts';
import { createAlipayHandler } from './alipay-protocol.ts';
import { createBillRoutes } from './bill-routes.ts';
import { createRequestListener, MAX_BODY_BYTES, type Route, type SandboxReply } from './http-server.ts';
import { createLedger, type SandboxLedger } from './ledger.ts';
import { startNotifier } from './notifications.ts';
import { createOffsetClock } from './offset-clock.ts';
import { createPayjsHandler } from './payjs-protocol.ts';
import { type ControlEndpoints, createControlHandler } from './sandbox-control.ts';
import { loadSandboxKeys, type SandboxCredentials } from './sandbox-credentials.ts';
import { createWxpayHandler, failReply } from './wxpay-protocol.ts';
import { createWxpayV3Handler } from './wxpay-v3-protocol.ts';

export type { SandboxLedger } from './ledger.ts';
export type { SandboxCredentials } from './sandbox-credentials.ts';

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** Default systemClock. The sandbox adds its own offset (POST /_sandbox/time/advance). */
  clock?: Clock;
  /** How long an issued payment code stays valid. Default 60_000. */
  codeTtlMs?: number;
}

export interface RunningSandbox {
  /** "http://127.0.0.1:PORT" */
  url: string;
  /** "https://127.0.0.1:PORT2": TLS server that requires the sandbox-issued client certificate. */
  secapiUrl: string;
  credentials: SandboxCredentials;
  /** The same truth the /_sandbox endpoints expose. */
  ledger: SandboxLedger;
  close(): Promise<void>;
}

const TOO_LARGE_TEXT = `request body exceeds ${MAX_BODY_BYTES} bytes`;

function jsonTooLarge(): SandboxReply {
  return {
    status: 413,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({ error: 'too_large', message: TOO_LARGE_TEXT }),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const { credentials, serverKeys } = loadSandboxKeys();
  const ledger = createLedger({
    clock: createOffsetClock(options.clock ?? systemClock),
    codeTtlMs: options.codeTtlMs ?? 60_000,
  });

  const wxpay = createWxpayHandler(ledger, credentials.wxpay);
  const bills = createBillRoutes(ledger, credentials.wxpay);
  const wxpayTooLarge = () => failReply(TOO_LARGE_TEXT, 413);
  const alipay = createAlipayHandler(
    ledger,
    {
      appId: credentials.alipay.app_id,
      appPublicKey: serverKeys.alipayAppPublicKey,
      platformPrivateKey: serverKeys.alipayPlatformPrivateKey,
      certSerials: serverKeys.alipayCertSerials,
      isv: { appAuthToken: credentials.alipay.app_auth_token, authAppId: credentials.alipay.auth_app_id },
    },
    {
      'alipay.data.dataservice.bill.downloadurl.query': (biz, request, authAppId) =>
        bills.alipayDownloadUrl(biz, request.headers.host ?? '127.0.0.1', authAppId),
    },
  );
  const payjs = createPayjsHandler(ledger, credentials.payjs);
  const wxpayV3 = createWxpayV3Handler(ledger, {
    merchant: credentials.wxpay_v3,
    signingKey: serverKeys.wxpayV3SigningKey,
    platformKey: serverKeys.wxpayV3PlatformKey,
    merchantCert: serverKeys.wxpayV3MerchantCert,
    billFaults: bills.v3Faults,
  });
  let endpoints: ControlEndpoints | undefined;
  const control = createControlHandler(ledger, () => endpoints);

  const plainRoutes: readonly Route[] = [
    { prefix: '/_sandbox/bills/faults', faulty: false, handle: bills.control, tooLarge: jsonTooLarge },
    { prefix: '/_sandbox/wxpay-v3/signer', faulty: false, handle: wxpayV3.setSigner, tooLarge: jsonTooLarge },
    { prefix: '/_sandbox/', faulty: false, handle: control, tooLarge: jsonTooLarge },
    // Bills have their own faults (bill-routes.ts); the payment fault plan is not spent on them.
    {
      prefix: '/wxpay/pay/downloadbill',
      faulty: false,
      handle: bills.wxpayDownload,
      tooLarge: wxpayTooLarge,
    },
    {
      prefix: '/alipay/downloadBillFile.resource',
      faulty: false,
      handle: bills.alipayDownload,
      tooLarge: jsonTooLarge,
    },
    { prefix: '/wxpay/v3/', faulty: true, handle: wxpayV3.handle, tooLarge: jsonTooLarge },
    { prefix: '/wxpay/', faulty: true, handle: wxpay, tooLarge: wxpayTooLarge },
    { prefix: '/alipay/', faulty: true, handle: alipay, tooLarge: jsonTooLarge },
    { prefix: '/payjs/', faulty: true, handle: payjs, tooLarge: jsonTooLarge },
  ];
  // The TLS server answers WeChat only, and only to a client holding the sandbox-issued certificate.
  const secureRoutes: readonly Route[] = [
    {
      prefix: '/wxpay/',
      faulty: true,
      handle: (request) =>
        request.clientCertificateOk
          ? wxpay(request)
          : failReply('certificate required: present the sandbox-issued client certificate'),
      tooLarge: wxpayTooLarge,
    },
  ];
  const sleep = (ms: number) => systemClock.sleep(ms); // injected latency is real time on the wire
  const faults = () => ledger.faults;

  const plain = createHttpServer(createRequestListener({ routes: plainRoutes, faults, sleep }));
  const secure = createHttpsServer(
    {
      cert: serverKeys.tlsCertPem,
      key: serverKeys.tlsKeyPem,
      ca: serverKeys.caPem,
      requestCert: true,
      // Checked per request instead, so a client without the certificate gets WeChat's own
      // return_code=FAIL explanation rather than an opaque TLS alert.
      rejectUnauthorized: false,
    },
    createRequestListener({ routes: secureRoutes, faults, sleep }),
  );

  const port = await listen(plain, options.port ?? 0, host);
  let securePort: number;
  try {
    securePort = await listen(secure, 0, host);
  } catch (error) {
    await closeServer(plain);
    throw error;
  }
  const notifier = startNotifier(ledger, credentials, serverKeys.alipayPlatformPrivateKey);
  endpoints = {
    url: `http://${urlHost(host)}:${port}`,
    secapiUrl: `https://${urlHost(host)}:${securePort}`,
    credentials,
  };

  let closing: Promise<void> | undefined;
  return {
    url: endpoints.url,
    secapiUrl: endpoints.secapiUrl,
    credentials,
    ledger,
    close() {
      closing ??= Promise.all([notifier.close(), closeServer(plain), closeServer(secure)]).then(
        () => undefined,
      );
      return closing;
    },
  };
}
