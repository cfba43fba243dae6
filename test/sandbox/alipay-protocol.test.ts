import { AlipaySdk } from 'alipay-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alipayTime } from '../../core/sandbox/china-time.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { aliCall } from './helpers/alipay-client.ts';
import { control, issueCode, orderNo, tradeOf } from './helpers/sandbox-http.ts';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const call = (method: string, biz: Record<string, unknown>, options = {}) =>
  aliCall(sandbox.url, sandbox.credentials, method, biz, options);

function payBiz(outTradeNo: string, authCode: string, amount = '1.00') {
  return {
    out_trade_no: outTradeNo,
    scene: 'bar_code',
    auth_code: authCode,
    subject: 'sandbox test',
    total_amount: amount,
  };
}

const query = (outTradeNo: string) => call('alipay.trade.query', { out_trade_no: outTradeNo });

describe('Alipay signatures and malformed requests', () => {
  it('answers 40002 isv.invalid-signature to a request changed after signing, signed reply, nothing charged', async () => {
    const code = await issueCode(sandbox.url, 'alipay');
    const no = orderNo();
    const reply = await call('alipay.trade.pay', payBiz(no, code, '9.99'), {
      tamper: (p: Record<string, string>) => {
        p.biz_content = JSON.stringify(payBiz(no, code, '0.01'));
      },
    });
    expect(reply.response).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature' });
    expect(reply.signOk).toBe(true);
    expect(await tradeOf(sandbox.url, 'alipay', no)).toBeUndefined();
  });

  it('answers an unknown method with a signed error_response', async () => {
    const reply = await call('alipay.trade.nonsense', {});
    expect(reply.response).toMatchObject({ code: '40002', sub_code: 'isv.invalid-method' });
    expect(reply.signOk).toBe(true);
  });

  it('answers unparseable biz_content, a missing out_trade_no and a 3-decimal amount with 40002', async () => {
    const badJson = await call('alipay.trade.query', {}, { rawBizContent: '{"out_trade_no":' });
    expect(badJson.response).toMatchObject({ code: '40002', sub_code: 'isv.invalid-parameter' });
    expect(badJson.signOk).toBe(true);
    expect((await call('alipay.trade.query', {})).response.code).toBe('40002');
    const code = await issueCode(sandbox.url, 'alipay');
    expect((await call('alipay.trade.pay', payBiz(orderNo(), code, '1.234'))).response.code).toBe('40002');
  });

  it('accepts every parameter in the form body too', async () => {
    const code = await issueCode(sandbox.url, 'alipay');
    const reply = await call('alipay.trade.pay', payBiz(orderNo(), code), { placement: 'body' });
    expect(reply.response.code).toBe('10000');
  });
});

describe('Alipay trade.pay behaviours', () => {
  it('instant: 10000 with yuan amounts, verifiable signature, captured in the ledger', async () => {
    const code = await issueCode(sandbox.url, 'alipay');
    const no = orderNo();
    const reply = await call('alipay.trade.pay', payBiz(no, code, '12.30'));
    expect(reply.response).toMatchObject({ code: '10000', out_trade_no: no, total_amount: '12.30' });
    expect(reply.signOk).toBe(true);
    expect(await tradeOf(sandbox.url, 'alipay', no)).toMatchObject({
      state: 'paid',
      total_fee: 1230,
      captured_fen: 1230,
    });
    expect((await query(no)).response.trade_status).toBe('TRADE_SUCCESS');
  });

  it('password: 10003 and WAIT_BUYER_PAY until confirmed; cancel by the customer closes the trade', async () => {
    const code = await issueCode(sandbox.url, 'alipay', 'password');
    const no = orderNo();
    expect((await call('alipay.trade.pay', payBiz(no, code))).response.code).toBe('10003');
    expect((await query(no)).response.trade_status).toBe('WAIT_BUYER_PAY');
    await control(sandbox.url, '/_sandbox/wallet/confirm', { authCode: code });
    expect((await query(no)).response.trade_status).toBe('TRADE_SUCCESS');

    const code2 = await issueCode(sandbox.url, 'alipay', 'password');
    const no2 = orderNo();
    await call('alipay.trade.pay', payBiz(no2, code2));
    await control(sandbox.url, '/_sandbox/wallet/cancel', { authCode: code2 });
    expect((await query(no2)).response.trade_status).toBe('TRADE_CLOSED');
  });

  it('insufficient_funds and expired fail with 40004 and their sub_codes', async () => {
    const poor = await call(
      'alipay.trade.pay',
      payBiz(orderNo(), await issueCode(sandbox.url, 'alipay', 'insufficient_funds')),
    );
    expect(poor.response).toMatchObject({ code: '40004', sub_code: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' });
    const old = await call(
      'alipay.trade.pay',
      payBiz(orderNo(), await issueCode(sandbox.url, 'alipay', 'expired')),
    );
    expect(old.response).toMatchObject({ code: '40004', sub_code: 'ACQ.PAYMENT_AUTH_CODE_INVALID' });
  });

  it('system_error: 20000 while the trade is in fact paid', async () => {
    const no = orderNo();
    const reply = await call(
      'alipay.trade.pay',
      payBiz(no, await issueCode(sandbox.url, 'alipay', 'system_error')),
    );
    expect(reply.response.code).toBe('20000');
    expect((await query(no)).response.trade_status).toBe('TRADE_SUCCESS');
  });

  it('a code is single-use and expires on the sandbox clock; WeChat codes are refused', async () => {
    const code = await issueCode(sandbox.url, 'alipay');
    await call('alipay.trade.pay', payBiz(orderNo(), code));
    expect((await call('alipay.trade.pay', payBiz(orderNo(), code))).response.sub_code).toBe(
      'ACQ.PAYMENT_AUTH_CODE_INVALID',
    );
    const later = await issueCode(sandbox.url, 'alipay');
    await control(sandbox.url, '/_sandbox/time/advance', { ms: 61_000 });
    expect((await call('alipay.trade.pay', payBiz(orderNo(), later))).response.sub_code).toBe(
      'ACQ.PAYMENT_AUTH_CODE_INVALID',
    );
    const wx = await issueCode(sandbox.url, 'wxpay');
    expect((await call('alipay.trade.pay', payBiz(orderNo(), wx))).response.sub_code).toBe(
      'ACQ.PAYMENT_AUTH_CODE_INVALID',
    );
  });

  it('a paid out_trade_no charged again is ACQ.TRADE_HAS_SUCCESS', async () => {
    const no = orderNo();
    await call('alipay.trade.pay', payBiz(no, await issueCode(sandbox.url, 'alipay')));
    const again = await call('alipay.trade.pay', payBiz(no, await issueCode(sandbox.url, 'alipay')));
    expect(again.response.sub_code).toBe('ACQ.TRADE_HAS_SUCCESS');
  });

  it('query of an unknown trade is ACQ.TRADE_NOT_EXIST', async () => {
    expect((await query(orderNo('NOPE'))).response).toMatchObject({
      code: '40004',
      sub_code: 'ACQ.TRADE_NOT_EXIST',
    });
  });
});

describe('Alipay cancel, close, refund', () => {
  it('cancel refunds a paid trade (action=refund) and closes a waiting one (action=close)', async () => {
    const paid = orderNo();
    await call('alipay.trade.pay', payBiz(paid, await issueCode(sandbox.url, 'alipay'), '5.00'));
    const refunded = await call('alipay.trade.cancel', { out_trade_no: paid });
    expect(refunded.response).toMatchObject({ code: '10000', action: 'refund', retry_flag: 'N' });
    expect(await tradeOf(sandbox.url, 'alipay', paid)).toMatchObject({
      state: 'reversed',
      captured_fen: 500,
      refunded_fen: 500,
    });

    const waiting = orderNo();
    await call('alipay.trade.pay', payBiz(waiting, await issueCode(sandbox.url, 'alipay', 'password')));
    const closed = await call('alipay.trade.cancel', { out_trade_no: waiting });
    expect(closed.response).toMatchObject({ code: '10000', action: 'close' });
    expect((await query(waiting)).response.trade_status).toBe('TRADE_CLOSED');
    expect((await tradeOf(sandbox.url, 'alipay', waiting))?.captured_fen).toBe(0);
  });

  it('cancel of an unknown out_trade_no succeeds with retry_flag N and no action, as documented', async () => {
    // alipay.trade.cancel: `action` is returned "when the call succeeds and the trade exists", and
    // ACQ.TRADE_NOT_EXIST is not among cancel's error codes (docs/protocols.md §4).
    const unknownNo = orderNo();
    const reply = await call('alipay.trade.cancel', { out_trade_no: unknownNo });
    expect(reply.response).toMatchObject({ code: '10000', out_trade_no: unknownNo, retry_flag: 'N' });
    expect(reply.response.action).toBeUndefined();
    expect(reply.response.sub_code).toBeUndefined();
    expect(reply.response.trade_no).toBeUndefined();
  });

  it('close works on an unpaid trade only', async () => {
    const paid = orderNo();
    await call('alipay.trade.pay', payBiz(paid, await issueCode(sandbox.url, 'alipay')));
    expect((await call('alipay.trade.close', { out_trade_no: paid })).response.sub_code).toBe(
      'ACQ.TRADE_STATUS_ERROR',
    );
    const waiting = orderNo();
    await call('alipay.trade.pay', payBiz(waiting, await issueCode(sandbox.url, 'alipay', 'password')));
    expect((await call('alipay.trade.close', { out_trade_no: waiting })).response.code).toBe('10000');
  });

  it('refunds are cumulative, capped at the paid amount, idempotent per out_request_no, and queryable', async () => {
    const no = orderNo();
    await call('alipay.trade.pay', payBiz(no, await issueCode(sandbox.url, 'alipay'), '10.00'));
    const refund = (amount: string, out_request_no: string) =>
      call('alipay.trade.refund', { out_trade_no: no, refund_amount: amount, out_request_no });
    expect((await refund('6.00', 'Q1')).response).toMatchObject({
      code: '10000',
      fund_change: 'Y',
      refund_fee: '6.00',
    });
    expect((await refund('6.00', 'Q1')).response).toMatchObject({
      code: '10000',
      fund_change: 'N',
      refund_fee: '6.00',
    });
    expect((await refund('4.01', 'Q2')).response).toMatchObject({
      code: '40004',
      sub_code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL',
    });
    expect((await refund('4.00', 'Q3')).response.refund_fee).toBe('10.00');
    expect(await tradeOf(sandbox.url, 'alipay', no)).toMatchObject({
      captured_fen: 1000,
      refunded_fen: 1000,
    });
    const rq = await call('alipay.trade.fastpay.refund.query', { out_trade_no: no, out_request_no: 'Q1' });
    expect(rq.response).toMatchObject({
      code: '10000',
      refund_status: 'REFUND_SUCCESS',
      refund_amount: '6.00',
    });
    const none = await call('alipay.trade.fastpay.refund.query', { out_trade_no: no, out_request_no: 'Q9' });
    expect(none.response.refund_status).toBeUndefined();
  });
});

describe('Alipay precreate (QR)', () => {
  it('honours time_expire (yyyy-MM-dd HH:mm:ss, Beijing) and timeout_express: no payment after it', async () => {
    const expired = orderNo();
    const reply = await call('alipay.trade.precreate', {
      out_trade_no: expired,
      total_amount: '3.00',
      subject: 'qr',
      time_expire: alipayTime(Date.now() - 1000),
    });
    const scan = await control(sandbox.url, '/_sandbox/wallet/scan', {
      qr: reply.response.qr_code,
      behavior: 'instant',
    });
    expect(scan.status).toBe(409);
    expect(scan.json).toMatchObject({ message: 'this QR code has expired' });
    const relative = await call('alipay.trade.precreate', {
      out_trade_no: orderNo(),
      total_amount: '3.00',
      subject: 'qr',
      timeout_express: '2m',
    });
    const paid = await control(sandbox.url, '/_sandbox/wallet/scan', {
      qr: relative.response.qr_code,
      behavior: 'instant',
    });
    expect(paid.json).toMatchObject({ ok: true, state: 'paid' });
    const bad = await call('alipay.trade.precreate', {
      out_trade_no: orderNo(),
      total_amount: '3.00',
      subject: 'qr',
      time_expire: '20261130180000',
    });
    expect(bad.response).toMatchObject({ code: '40002', sub_code: 'isv.invalid-parameter' });
  });

  it('returns a qr_code the customer scans; the trade then reads TRADE_SUCCESS', async () => {
    const no = orderNo();
    const reply = await call('alipay.trade.precreate', {
      out_trade_no: no,
      total_amount: '3.00',
      subject: 'qr',
    });
    expect(reply.response.qr_code).toMatch(/^https:\/\/qr\.alipay\.com\/\w+$/);
    expect((await query(no)).response.trade_status).toBe('WAIT_BUYER_PAY');
    await control(sandbox.url, '/_sandbox/wallet/scan', { qr: reply.response.qr_code, behavior: 'instant' });
    expect((await query(no)).response).toMatchObject({ trade_status: 'TRADE_SUCCESS', total_amount: '3.00' });
  });
});

describe('the official alipay-sdk against the sandbox', () => {
  it('pays and queries with signature validation on', async () => {
    const sdk = new AlipaySdk({
      appId: sandbox.credentials.alipay.app_id,
      privateKey: sandbox.credentials.alipay.app_private_key,
      alipayPublicKey: sandbox.credentials.alipay.alipay_public_key,
      keyType: 'PKCS8',
      gateway: `${sandbox.url}/alipay/gateway.do`,
      timeout: 5000,
    });
    const code = await issueCode(sandbox.url, 'alipay');
    const no = orderNo();
    const paid = await sdk.exec(
      'alipay.trade.pay',
      {
        bizContent: {
          out_trade_no: no,
          scene: 'bar_code',
          auth_code: code,
          subject: 'sdk',
          total_amount: '2.50',
        },
      },
      { validateSign: true },
    );
    expect(paid).toMatchObject({ code: '10000', outTradeNo: no, totalAmount: '2.50' });
    const queried = await sdk.exec(
      'alipay.trade.query',
      { bizContent: { out_trade_no: no } },
      { validateSign: true },
    );
    expect(queried).toMatchObject({ code: '10000', tradeStatus: 'TRADE_SUCCESS' });
  });
});
