import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatTime } from '../../core/sandbox/china-time.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { control, issueCode, orderNo, post, tradeOf } from './helpers/sandbox-http.ts';
import { micropayFields, tlsIdentity, wxCall } from './helpers/wxpay-client.ts';

let sandbox: RunningSandbox;
/** return_code FAIL in either layout the sandbox answers in (plain text or CDATA). */
const FAIL_RETURN_CODE = /<return_code>(<!\[CDATA\[)?FAIL(\]\]>)?<\/return_code>/;

beforeAll(async () => {
  sandbox = await startSandbox({ codeTtlMs: 60_000 });
});
afterAll(async () => {
  await sandbox.close();
});

const micropay = (fields: Record<string, string>, options = {}) =>
  wxCall(sandbox.url, '/wxpay/pay/micropay', sandbox.credentials, fields, options);
const query = (outTradeNo: string) =>
  wxCall(sandbox.url, '/wxpay/pay/orderquery', sandbox.credentials, { out_trade_no: outTradeNo });
const secapi = (path: string, fields: Record<string, string>) =>
  wxCall(sandbox.url, path, sandbox.credentials, fields, {
    tls: tlsIdentity(sandbox.secapiUrl, sandbox.credentials),
  });

describe('WeChat Pay v2 signatures', () => {
  it('answers return_code=FAIL SIGNERROR to a request changed after signing, and charges nothing', async () => {
    const code = await issueCode(sandbox.url, 'wxpay');
    const no = orderNo();
    const reply = await micropay(micropayFields(no, code, 100), {
      tamper: (p: Record<string, string>) => {
        p.total_fee = '1';
      },
    });
    expect(reply.params.return_code).toBe('FAIL');
    expect(reply.params.return_msg).toContain('SIGNERROR');
    expect(await tradeOf(sandbox.url, 'wxpay', no)).toBeUndefined();
  });

  it('rejects a request signed with another key', async () => {
    const code = await issueCode(sandbox.url, 'wxpay');
    const reply = await micropay(micropayFields(orderNo(), code), { key: 'x'.repeat(32) });
    expect(reply.params.return_code).toBe('FAIL');
  });

  it('verifies HMAC-SHA256 requests and signs the reply with HMAC-SHA256', async () => {
    const code = await issueCode(sandbox.url, 'wxpay');
    const reply = await micropay(micropayFields(orderNo(), code), { signType: 'HMAC-SHA256' });
    expect(reply.params.result_code).toBe('SUCCESS');
    expect(reply.signOk).toBe(true);
    expect(reply.params.sign).toHaveLength(64);
  });

  it('answers bad XML and entity declarations with return_code=FAIL, not a crash', async () => {
    const bad = await post(`${sandbox.url}/wxpay/pay/micropay`, '<xml><a>1</xml>', 'text/xml');
    expect(bad.text).toMatch(FAIL_RETURN_CODE);
    const xxe = await post(
      `${sandbox.url}/wxpay/pay/micropay`,
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>',
      'text/xml',
    );
    expect(xxe.text).toMatch(FAIL_RETURN_CODE);
    expect(xxe.text).not.toContain('root:');
  });

  it('echoes sub_mch_id and sub_appid (service-provider mode) in a signed reply', async () => {
    const code = await issueCode(sandbox.url, 'wxpay');
    const reply = await micropay({
      ...micropayFields(orderNo(), code),
      sub_mch_id: '1900000109',
      sub_appid: 'wxsub',
    });
    expect(reply.params.sub_mch_id).toBe('1900000109');
    expect(reply.params.sub_appid).toBe('wxsub');
    expect(reply.signOk).toBe(true);
  });
});

describe('WeChat Pay micropay behaviours', () => {
  it('instant: SUCCESS with the amount, and the ledger shows the money captured', async () => {
    const code = await issueCode(sandbox.url, 'wxpay');
    const no = orderNo();
    const reply = await micropay(micropayFields(no, code, 1234));
    expect(reply.params).toMatchObject({
      return_code: 'SUCCESS',
      result_code: 'SUCCESS',
      total_fee: '1234',
      out_trade_no: no,
    });
    expect(reply.params.transaction_id).toMatch(/^\d{28}$/);
    expect(reply.signOk).toBe(true);
    expect(await tradeOf(sandbox.url, 'wxpay', no)).toMatchObject({
      state: 'paid',
      captured_fen: 1234,
      refunded_fen: 0,
    });
  });

  it('password: USERPAYING until the customer confirms, then orderquery says SUCCESS', async () => {
    const code = await issueCode(sandbox.url, 'wxpay', 'password');
    const no = orderNo();
    const first = await micropay(micropayFields(no, code));
    expect(first.params).toMatchObject({ result_code: 'FAIL', err_code: 'USERPAYING' });
    expect((await query(no)).params.trade_state).toBe('USERPAYING');
    await control(sandbox.url, '/_sandbox/wallet/confirm', { authCode: code });
    const after = await query(no);
    expect(after.params.trade_state).toBe('SUCCESS');
    expect(after.params.transaction_id).toMatch(/^\d{28}$/);
  });

  it('password with confirm_after_ms pays once that time passes on the sandbox clock', async () => {
    const code = await issueCode(sandbox.url, 'wxpay', 'password', { confirm_after_ms: 20_000 });
    const no = orderNo();
    await micropay(micropayFields(no, code));
    expect((await query(no)).params.trade_state).toBe('USERPAYING');
    await control(sandbox.url, '/_sandbox/time/advance', { ms: 20_000 });
    expect((await query(no)).params.trade_state).toBe('SUCCESS');
  });

  it('password then the customer gives up: PAYERROR, nothing captured', async () => {
    const code = await issueCode(sandbox.url, 'wxpay', 'password');
    const no = orderNo();
    await micropay(micropayFields(no, code));
    await control(sandbox.url, '/_sandbox/wallet/cancel', { authCode: code });
    expect((await query(no)).params.trade_state).toBe('PAYERROR');
    expect(await tradeOf(sandbox.url, 'wxpay', no)).toMatchObject({
      state: 'payment_failed',
      captured_fen: 0,
    });
  });

  it('insufficient_funds: NOTENOUGH and nothing captured', async () => {
    const code = await issueCode(sandbox.url, 'wxpay', 'insufficient_funds');
    const no = orderNo();
    expect((await micropay(micropayFields(no, code))).params.err_code).toBe('NOTENOUGH');
    expect((await tradeOf(sandbox.url, 'wxpay', no))?.captured_fen).toBe(0);
  });

  it('expired: AUTHCODEEXPIRE', async () => {
    const code = await issueCode(sandbox.url, 'wxpay', 'expired');
    expect((await micropay(micropayFields(orderNo(), code))).params.err_code).toBe('AUTHCODEEXPIRE');
  });

  it('system_error: SYSTEMERROR although the money IS taken (query says SUCCESS)', async () => {
    const code = await issueCode(sandbox.url, 'wxpay', 'system_error');
    const no = orderNo();
    expect((await micropay(micropayFields(no, code))).params.err_code).toBe('SYSTEMERROR');
    expect((await query(no)).params.trade_state).toBe('SUCCESS');
    expect((await tradeOf(sandbox.url, 'wxpay', no))?.captured_fen).toBe(100);
  });

  it('a code works once: the second charge with it fails and takes nothing', async () => {
    const code = await issueCode(sandbox.url, 'wxpay');
    await micropay(micropayFields(orderNo(), code));
    const no = orderNo();
    const again = await micropay(micropayFields(no, code));
    expect(again.params.result_code).toBe('FAIL');
    expect(['AUTHCODEEXPIRE', 'AUTH_CODE_INVALID']).toContain(again.params.err_code);
    expect(await tradeOf(sandbox.url, 'wxpay', no)).toBeUndefined();
  });

  it('a code expires after codeTtlMs on the sandbox clock', async () => {
    const code = await issueCode(sandbox.url, 'wxpay');
    await control(sandbox.url, '/_sandbox/time/advance', { ms: 60_001 });
    expect((await micropay(micropayFields(orderNo(), code))).params.err_code).toBe('AUTHCODEEXPIRE');
  });

  it('an Alipay code or a non-code is AUTH_CODE_INVALID', async () => {
    const alipayCode = await issueCode(sandbox.url, 'alipay');
    expect((await micropay(micropayFields(orderNo(), alipayCode))).params.err_code).toBe('AUTH_CODE_INVALID');
    expect((await micropay(micropayFields(orderNo(), '134567890123456789'))).params.err_code).toBe(
      'AUTH_CODE_INVALID',
    );
  });

  it('a reused out_trade_no: ORDERPAID when paid, OUT_TRADE_NO_USED otherwise', async () => {
    const no = orderNo();
    await micropay(micropayFields(no, await issueCode(sandbox.url, 'wxpay')));
    expect((await micropay(micropayFields(no, await issueCode(sandbox.url, 'wxpay')))).params.err_code).toBe(
      'ORDERPAID',
    );
    const pending = orderNo();
    await micropay(micropayFields(pending, await issueCode(sandbox.url, 'wxpay', 'password')));
    const other = await micropay(micropayFields(pending, await issueCode(sandbox.url, 'wxpay')));
    expect(other.params.err_code).toBe('OUT_TRADE_NO_USED');
  });

  it('missing fields and a bad amount are refused without a trade', async () => {
    const code = await issueCode(sandbox.url, 'wxpay');
    const { auth_code: _drop, ...noCode } = micropayFields(orderNo(), code);
    expect((await micropay(noCode)).params.return_code).toBe('FAIL');
    const no = orderNo();
    const badFee = await micropay({ ...micropayFields(no, code), total_fee: '12.5' });
    expect(badFee.params.err_code).toBe('PARAM_ERROR');
    expect(await tradeOf(sandbox.url, 'wxpay', no)).toBeUndefined();
  });

  it('orderquery of an unknown order is ORDERNOTEXIST', async () => {
    expect((await query(orderNo('NOPE'))).params.err_code).toBe('ORDERNOTEXIST');
  });
});

describe('WeChat Pay closeorder', () => {
  it('refuses an order younger than 5 minutes, closes it after', async () => {
    const no = orderNo();
    await micropay(micropayFields(no, await issueCode(sandbox.url, 'wxpay', 'password')));
    const close = () =>
      wxCall(sandbox.url, '/wxpay/pay/closeorder', sandbox.credentials, { out_trade_no: no });
    const early = await close();
    expect(early.params.result_code).toBe('FAIL');
    expect(early.params.err_code_des).toContain('5分钟');
    expect((await query(no)).params.trade_state).toBe('USERPAYING');
    await control(sandbox.url, '/_sandbox/time/advance', { ms: 5 * 60 * 1000 });
    expect((await close()).params.result_code).toBe('SUCCESS');
    expect((await query(no)).params.trade_state).toBe('CLOSED');
  });

  it('will not close a paid order (ORDERPAID)', async () => {
    const no = orderNo();
    await micropay(micropayFields(no, await issueCode(sandbox.url, 'wxpay')));
    await control(sandbox.url, '/_sandbox/time/advance', { ms: 5 * 60 * 1000 });
    const reply = await wxCall(sandbox.url, '/wxpay/pay/closeorder', sandbox.credentials, {
      out_trade_no: no,
    });
    expect(reply.params.err_code).toBe('ORDERPAID');
  });
});

describe('WeChat Pay secapi (mTLS)', () => {
  it('the plain server refuses /secapi with return_code=FAIL explaining the certificate', async () => {
    const reply = await wxCall(sandbox.url, '/wxpay/secapi/pay/reverse', sandbox.credentials, {
      out_trade_no: 'x',
    });
    expect(reply.params.return_code).toBe('FAIL');
    expect(reply.params.return_msg).toContain('certificate');
  });

  it('the TLS server refuses a client without the certificate', async () => {
    const reply = await wxCall(
      sandbox.url,
      '/wxpay/secapi/pay/reverse',
      sandbox.credentials,
      { out_trade_no: 'x' },
      {
        tls: { url: sandbox.secapiUrl, ca: sandbox.credentials.wxpay.ca_pem },
      },
    );
    expect(reply.params.return_code).toBe('FAIL');
    expect(reply.params.return_msg).toContain('certificate required');
  });

  it('reverse refunds a paid order in full (recall=N, REVOKED)', async () => {
    const no = orderNo();
    await micropay(micropayFields(no, await issueCode(sandbox.url, 'wxpay'), 500));
    const reply = await secapi('/wxpay/secapi/pay/reverse', { out_trade_no: no });
    expect(reply.params).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', recall: 'N' });
    expect(reply.signOk).toBe(true);
    expect((await query(no)).params.trade_state).toBe('REVOKED');
    expect(await tradeOf(sandbox.url, 'wxpay', no)).toMatchObject({
      state: 'reversed',
      captured_fen: 500,
      refunded_fen: 500,
    });
  });

  it('reverse closes an order still waiting for the password, and the later confirm takes nothing', async () => {
    const no = orderNo();
    const code = await issueCode(sandbox.url, 'wxpay', 'password');
    await micropay(micropayFields(no, code));
    await secapi('/wxpay/secapi/pay/reverse', { out_trade_no: no });
    await control(sandbox.url, '/_sandbox/wallet/confirm', { authCode: code });
    expect(await tradeOf(sandbox.url, 'wxpay', no)).toMatchObject({ state: 'reversed', captured_fen: 0 });
  });

  it('reverse of an order older than 7 days is REVERSE_EXPIRE and leaves the money where it is', async () => {
    const no = orderNo();
    await micropay(micropayFields(no, await issueCode(sandbox.url, 'wxpay'), 200));
    await control(sandbox.url, '/_sandbox/time/advance', { ms: 7 * 24 * 60 * 60 * 1000 + 1 });
    const reply = await secapi('/wxpay/secapi/pay/reverse', { out_trade_no: no });
    expect(reply.params).toMatchObject({ result_code: 'FAIL', err_code: 'REVERSE_EXPIRE', recall: 'N' });
    expect(await tradeOf(sandbox.url, 'wxpay', no)).toMatchObject({ state: 'paid', refunded_fen: 0 });
  });

  it('reverse of an unknown order is ORDERNOTEXIST', async () => {
    const reply = await secapi('/wxpay/secapi/pay/reverse', { out_trade_no: orderNo('NOPE') });
    expect(reply.params.err_code).toBe('ORDERNOTEXIST');
  });

  it('refunds add up, never exceed the paid amount, and a repeated out_refund_no refunds once', async () => {
    const no = orderNo();
    await micropay(micropayFields(no, await issueCode(sandbox.url, 'wxpay'), 1000));
    const refund = (outRefundNo: string, fee: number) =>
      secapi('/wxpay/secapi/pay/refund', {
        out_trade_no: no,
        out_refund_no: outRefundNo,
        total_fee: '1000',
        refund_fee: String(fee),
      });
    expect((await refund('R1', 600)).params.result_code).toBe('SUCCESS');
    expect((await refund('R1', 600)).params.result_code).toBe('SUCCESS'); // retry: same refund, not a second one
    const over = await refund('R2', 500);
    expect(over.params).toMatchObject({ result_code: 'FAIL', err_code: 'ERROR' });
    expect((await refund('R3', 400)).params.result_code).toBe('SUCCESS');
    expect(await tradeOf(sandbox.url, 'wxpay', no)).toMatchObject({ captured_fen: 1000, refunded_fen: 1000 });
    expect((await query(no)).params.trade_state).toBe('REFUND');
    const rq = await wxCall(sandbox.url, '/wxpay/pay/refundquery', sandbox.credentials, { out_trade_no: no });
    expect(rq.params).toMatchObject({
      refund_count: '2',
      out_refund_no_0: 'R1',
      refund_fee_0: '600',
      refund_status_1: 'SUCCESS',
    });
  });

  it('refund of an unpaid order is refused', async () => {
    const no = orderNo();
    await micropay(micropayFields(no, await issueCode(sandbox.url, 'wxpay', 'insufficient_funds'), 1000));
    const reply = await secapi('/wxpay/secapi/pay/refund', {
      out_trade_no: no,
      out_refund_no: 'R9',
      total_fee: '1000',
      refund_fee: '1',
    });
    expect(reply.params.result_code).toBe('FAIL');
  });
});

describe('WeChat Pay NATIVE QR', () => {
  it('honours time_expire (yyyyMMddHHmmss, Beijing): the code cannot be paid after it; a bad one is refused', async () => {
    const no = orderNo();
    const base = {
      body: 'qr',
      out_trade_no: no,
      total_fee: '300',
      spbill_create_ip: '127.0.0.1',
      trade_type: 'NATIVE',
      product_id: 'P1',
    };
    // 1 s ago, in Beijing time: already expired when the customer scans.
    const reply = await wxCall(sandbox.url, '/wxpay/pay/unifiedorder', sandbox.credentials, {
      ...base,
      time_expire: wechatTime(Date.now() - 1000),
    });
    expect(reply.params.result_code).toBe('SUCCESS');
    const scan = await control(sandbox.url, '/_sandbox/wallet/scan', {
      qr: reply.params.code_url,
      behavior: 'instant',
    });
    expect(scan.status).toBe(409);
    expect(scan.json).toMatchObject({ message: 'this QR code has expired' });
    expect((await query(no)).params.trade_state).toBe('NOTPAY');
    const bad = await wxCall(sandbox.url, '/wxpay/pay/unifiedorder', sandbox.credentials, {
      ...base,
      out_trade_no: orderNo(),
      time_expire: '2026-11-30 18:00',
    });
    expect(bad.params).toMatchObject({ result_code: 'FAIL', err_code: 'PARAM_ERROR' });
  });

  it('unifiedorder needs product_id, returns a code_url the customer can scan and pay', async () => {
    const no = orderNo();
    const base = {
      body: 'qr',
      out_trade_no: no,
      total_fee: '300',
      spbill_create_ip: '127.0.0.1',
      trade_type: 'NATIVE',
    };
    const noProduct = await wxCall(sandbox.url, '/wxpay/pay/unifiedorder', sandbox.credentials, base);
    expect(noProduct.params.err_code).toBe('PARAM_ERROR');
    const reply = await wxCall(sandbox.url, '/wxpay/pay/unifiedorder', sandbox.credentials, {
      ...base,
      product_id: 'P1',
    });
    expect(reply.params.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=\w+$/);
    expect((await query(no)).params.trade_state).toBe('NOTPAY');
    const scan = await control(sandbox.url, '/_sandbox/wallet/scan', {
      qr: reply.params.code_url,
      behavior: 'instant',
    });
    expect(scan.json).toMatchObject({ ok: true, state: 'paid', out_trade_no: no });
    expect((await query(no)).params).toMatchObject({
      trade_state: 'SUCCESS',
      trade_type: 'NATIVE',
      total_fee: '300',
    });
  });
});
