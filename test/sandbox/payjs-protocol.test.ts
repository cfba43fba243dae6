import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { payjsCall } from './helpers/payjs-client.ts';
import { control, issueCode, orderNo, post, tradeOf } from './helpers/sandbox-http.ts';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const call = (name: string, fields: Record<string, string>, options = {}) =>
  payjsCall(sandbox.url, sandbox.credentials, name, fields, options);

const micropay = (no: string, code: string, fee = '100') =>
  call('micropay', { total_fee: fee, out_trade_no: no, body: 'sandbox test', auth_code: code });

describe('PAYJS', () => {
  it('refuses a tampered request with return_code 0 and a signed reply', async () => {
    const no = orderNo();
    const tampered = await call(
      'micropay',
      { total_fee: '100', out_trade_no: no, body: 'x', auth_code: await issueCode(sandbox.url, 'wxpay') },
      {
        tamper: (p: Record<string, string>) => {
          p.total_fee = '1';
        },
      },
    );
    expect(tampered.json.return_code).toBe(0);
    expect(String(tampered.json.return_msg)).toContain('签名错误');
    expect(tampered.signOk).toBe(true);
    expect(await tradeOf(sandbox.url, 'payjs', no)).toBeUndefined();
  });

  it('answers an unreadable body or a missing sign with return_code 0', async () => {
    const bad = await post(`${sandbox.url}/payjs/api/micropay`, '{"total_fee":', 'application/json');
    expect(JSON.parse(bad.text).return_code).toBe(0);
    const unsigned = await post(
      `${sandbox.url}/payjs/api/check`,
      'out_trade_no=x',
      'application/x-www-form-urlencoded',
    );
    expect(JSON.parse(unsigned.text)).toMatchObject({ return_code: 0 });
  });

  it('micropay instant: only the documented fields (no status, transaction_id, time_end); JSON bodies work too', async () => {
    const no = orderNo();
    const reply = await call(
      'micropay',
      { total_fee: '250', out_trade_no: no, body: 'x', auth_code: await issueCode(sandbox.url, 'wxpay') },
      { asJson: true },
    );
    expect(Object.keys(reply.json).sort()).toEqual(
      ['out_trade_no', 'payjs_order_id', 'return_code', 'return_msg', 'sign', 'total_fee'].sort(),
    );
    expect(reply.json).toMatchObject({ return_code: 1, total_fee: 250, out_trade_no: no });
    expect(reply.signOk).toBe(true);
    expect(await tradeOf(sandbox.url, 'payjs', no)).toMatchObject({ state: 'paid', captured_fen: 250 });
  });

  it('micropay password: return_code 0 naming the payjs_order_id; check by it says status 0, then 1 after confirm', async () => {
    const no = orderNo();
    const code = await issueCode(sandbox.url, 'wxpay', 'password');
    const pending = await micropay(no, code);
    expect(pending.json).toMatchObject({ return_code: 0, out_trade_no: no });
    expect(pending.json.status).toBeUndefined();
    expect(pending.json.payjs_order_id).toEqual(expect.any(String));
    const id = String(pending.json.payjs_order_id);
    expect((await call('check', { payjs_order_id: id })).json.status).toBe(0);
    await control(sandbox.url, '/_sandbox/wallet/confirm', { authCode: code });
    const checked = await call('check', { payjs_order_id: String(pending.json.payjs_order_id) });
    expect(checked.json).toMatchObject({ return_code: 1, status: 1, out_trade_no: no, total_fee: 100 });
    expect(checked.json.paid_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('refuses Alipay codes and reused codes, takes no money for insufficient funds', async () => {
    expect((await micropay(orderNo(), await issueCode(sandbox.url, 'alipay'))).json.return_code).toBe(0);
    const code = await issueCode(sandbox.url, 'wxpay');
    await micropay(orderNo(), code);
    expect((await micropay(orderNo(), code)).json.return_code).toBe(0);
    const poor = orderNo();
    expect(
      (await micropay(poor, await issueCode(sandbox.url, 'wxpay', 'insufficient_funds'))).json.return_code,
    ).toBe(0);
    expect((await tradeOf(sandbox.url, 'payjs', poor))?.captured_fen).toBe(0);
  });

  it('system_error answers return_code 0 although the order is paid', async () => {
    const no = orderNo();
    const reply = await micropay(no, await issueCode(sandbox.url, 'wxpay', 'system_error'));
    expect(reply.json.return_code).toBe(0);
    const id = String(reply.json.payjs_order_id);
    expect((await call('check', { payjs_order_id: id })).json.status).toBe(1);
  });

  it('finds orders by payjs_order_id only: out_trade_no is not a documented key', async () => {
    const no = orderNo();
    await micropay(no, await issueCode(sandbox.url, 'wxpay'));
    for (const name of ['check', 'close', 'reverse', 'refund']) {
      const reply = await call(name, { out_trade_no: no });
      expect(reply.json).toMatchObject({ return_code: 0, return_msg: '订单不存在' });
    }
    expect(await tradeOf(sandbox.url, 'payjs', no)).toMatchObject({ state: 'paid', refunded_fen: 0 });
  });

  it('reverse refunds a paid order and closes a pending one; close refuses a paid order', async () => {
    const paid = orderNo();
    const paidId = String((await micropay(paid, await issueCode(sandbox.url, 'wxpay'))).json.payjs_order_id);
    expect((await call('close', { payjs_order_id: paidId })).json.return_code).toBe(0);
    const reversed = await call('reverse', { payjs_order_id: paidId });
    // The documented reverse reply: return_code, return_msg, payjs_order_id (no action).
    expect(Object.keys(reversed.json).sort()).toEqual([
      'payjs_order_id',
      'return_code',
      'return_msg',
      'sign',
    ]);
    expect(reversed.json).toMatchObject({ return_code: 1, payjs_order_id: paidId });
    expect(await tradeOf(sandbox.url, 'payjs', paid)).toMatchObject({ state: 'reversed', refunded_fen: 100 });

    const pending = orderNo();
    const pendingId = String(
      (await micropay(pending, await issueCode(sandbox.url, 'wxpay', 'password'))).json.payjs_order_id,
    );
    expect((await call('reverse', { payjs_order_id: pendingId })).json).toMatchObject({ return_code: 1 });
    expect(await tradeOf(sandbox.url, 'payjs', pending)).toMatchObject({
      state: 'reversed',
      captured_fen: 0,
    });
  });

  it('refund is a full refund; repeating it (a retry) refunds nothing more', async () => {
    const no = orderNo();
    const paid = await micropay(no, await issueCode(sandbox.url, 'wxpay'), '700');
    const id = String(paid.json.payjs_order_id);
    const first = await call('refund', { payjs_order_id: id });
    expect(first.json).toMatchObject({ return_code: 1, payjs_order_id: id, out_trade_no: no });
    expect(first.json.refund_fee).toBeUndefined();
    // Documented: `refund` is 1 when the order had already been refunded.
    expect((await call('refund', { payjs_order_id: id })).json).toMatchObject({ return_code: 1, refund: 1 });
    const trade = await tradeOf(sandbox.url, 'payjs', no);
    expect(trade).toMatchObject({ captured_fen: 700, refunded_fen: 700 });
    expect(trade?.refunds).toHaveLength(1);
  });

  it('native returns a code_url the customer can scan and pay', async () => {
    const no = orderNo();
    const reply = await call('native', { total_fee: '900', out_trade_no: no, body: 'qr' });
    expect(reply.json.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=\w+$/);
    await control(sandbox.url, '/_sandbox/wallet/scan', { qr: reply.json.code_url, behavior: 'instant' });
    expect((await call('check', { payjs_order_id: String(reply.json.payjs_order_id) })).json.status).toBe(1);
  });
});
