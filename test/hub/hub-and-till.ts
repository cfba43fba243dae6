/**
 * One real hub (a throwaway PostgreSQL cluster, the hub's config key) and one till enrolled at it,
 * set up in beforeAll and torn down in afterAll, with the steps the store-refund tests share: sell
 * an instant WeChat sale and wait until the hub has it paid, ask the hub for a refund as the owner,
 * and read the hub's refund requests.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';
import { HUB_KEY, HUB_PUBLIC_PEM } from './hub-keys.ts';
import { eventually, getJson, postJson } from './hub-processes.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

export interface HubAndTill {
  readonly hub: RunningHub;
  readonly till: ServiceHarness;
  /** An instant WeChat sale at the till, waited for until the hub lists it paid. */
  sell(orderNo: string, fen: number): Promise<void>;
  /** The owner asks the hub for a refund of one of this till's sales. */
  ask(body: Record<string, unknown>): ReturnType<typeof postJson>;
  /** The hub's refund request with this out_refund_no, if any. */
  request(outRefundNo: string): Promise<{ state: string; detail: string | null } | undefined>;
}

export function hubAndTillForTests(options: {
  readonly database: string;
  readonly terminalId: string;
  readonly adminToken: string;
}): HubAndTill {
  const { database, terminalId, adminToken } = options;
  let cluster: PgCluster | undefined;
  let hub: RunningHub | undefined;
  let till: ServiceHarness | undefined;
  beforeAll(async () => {
    cluster = await startPgCluster();
    hub = await startHub({
      databaseUrl: await cluster.createDatabase(database),
      adminToken,
      host: '127.0.0.1',
      port: 0,
      poolMax: 4,
      configKey: HUB_KEY,
    });
    const token = await enrolTerminal(hub.pool, terminalId, Date.now());
    till = await startServiceHarness({
      config: {
        terminal_id: terminalId,
        hub: { url: hub.url, token, config_public_key: HUB_PUBLIC_PEM, heartbeat_ms: 1000 },
      },
    });
  });
  afterAll(async () => {
    await till?.close();
    await hub?.close();
    await cluster?.stop();
  });
  const running = {
    get hub(): RunningHub {
      if (!hub) throw new Error('the hub starts in beforeAll');
      return hub;
    },
    get till(): ServiceHarness {
      if (!till) throw new Error('the till starts in beforeAll');
      return till;
    },
  };
  return Object.assign(running, {
    async sell(orderNo: string, fen: number): Promise<void> {
      const code = await running.till.walletCode('wxpay', 'instant');
      const paid = await running.till.call('createPayment', {
        data: { out_trade_no: orderNo, total_fee: fen, subject: 'tea', auth_code: code },
      });
      expect(paid.body).toMatchObject({ code: 0, attempt: { phase: 'paid' } });
      await eventually(`${orderNo} at the hub`, async () => {
        const { body } = await getJson(`${running.hub.url}/api/orders?terminal=${terminalId}`, adminToken);
        return body.orders.some(
          (o: { order_no: string; status: number }) => o.order_no === orderNo && o.status === 1,
        )
          ? true
          : undefined;
      });
    },
    ask: (body: Record<string, unknown>) =>
      postJson(
        `${running.hub.url}/api/refunds`,
        { terminal_id: terminalId, requested_by: 'owner', ...body },
        adminToken,
      ),
    async request(outRefundNo: string) {
      const { body } = await getJson(`${running.hub.url}/api/refunds`, adminToken);
      return body.refunds.find((r: { out_refund_no: string }) => r.out_refund_no === outRefundNo);
    },
  });
}
