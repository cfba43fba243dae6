import { describe, expect, it } from 'vitest';
import { type CallResult, IPC_INVOKE_CHANNEL } from '../../core/common/contract/api-contract.ts';
import { ConflictError, RecognitionError } from '../../core/common/errors.ts';
import { AccessPolicy } from '../../core/service/api/access-policy.ts';
import { createOperationInvoker } from '../../core/service/api/operation-invoker.ts';
import { PinAttempts } from '../../core/service/api/pin-attempts.ts';
import { registerIpcHandler } from '../../electron/ipc-handler.ts';
import { type FakeApi, fakeApi } from './fakes/fake-api.ts';
import { FakeIpcMain, RENDERER_URL, senderEvent, WINDOW_ID } from './fakes/fake-ipc.ts';

const SUPERVISOR_PIN = '24681357';

/** The service's invoker around a fake API, with a supervisor PIN already chosen. */
function invokerFor(api: FakeApi, internalErrors: unknown[] = []) {
  return createOperationInvoker({
    api,
    policy: new AccessPolicy({
      pin: { matches: (pin) => pin === SUPERVISOR_PIN, isDefault: false },
      attempts: new PinAttempts(),
      clock: { now: () => 0 } as never,
    }),
    onInternalError: (_operation, error) => internalErrors.push(error),
  });
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const api = fakeApi();
  const refused: string[] = [];
  const internalErrors: unknown[] = [];
  const dispose = registerIpcHandler({
    ipcMain,
    invoke: invokerFor(api, internalErrors),
    trusted: () => ({ webContentsId: WINDOW_ID, rendererUrl: RENDERER_URL }),
    onRefused: (line) => refused.push(line),
  });
  const call = (name: unknown, request: unknown, event = senderEvent()) =>
    ipcMain.invoke(IPC_INVOKE_CHANNEL, event, name, request) as Promise<CallResult<unknown>>;
  return { ipcMain, api, refused, dispose, call, internalErrors };
}

describe('IPC invoke handler', () => {
  it('runs a valid call with the schema-parsed request (defaults applied) and returns ok:true', async () => {
    const { api, call } = setup();
    const result = await call('submitScan', { code: '134567890123456789' });
    expect(api.submitScan).toHaveBeenCalledWith({ code: '134567890123456789', source: 'ui' });
    expect(result).toEqual({
      ok: true,
      value: { echoed: 'submitScan', request: { code: '134567890123456789', source: 'ui' } },
    });
  });

  it('refuses an unknown operation with operation_unknown (the code HTTP uses) and calls nothing', async () => {
    const { api, call } = setup();
    const result = await call('dropTables', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('operation_unknown');
    expect(result.error.message).toContain('dropTables');
    for (const fn of Object.values(api)) expect(fn).not.toHaveBeenCalled();
  });

  it('refuses a non-string operation name', async () => {
    const { call } = setup();
    const result = await call({ toString: 'x' }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'operation_unknown' } });
  });

  it('refuses a bad payload with validation_failed naming the field, without calling the service', async () => {
    const { api, call } = setup();
    const result = await call('submitScan', { code: '', extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation_failed');
    const issues = (result.error.details as { issues: { path: string }[] }).issues;
    expect(issues.map((i) => i.path)).toContain('code');
    expect(api.submitScan).not.toHaveBeenCalled();
  });

  it('does not echo submitted values (a PIN) in the validation error', async () => {
    const { call } = setup();
    const result = await call('verifyPin', { pin: 'SECRET-PIN-4711', unexpected: 'SECRET-VALUE-99' });
    expect(JSON.stringify(result)).not.toContain('SECRET-PIN-4711');
    expect(JSON.stringify(result)).not.toContain('SECRET-VALUE-99');
  });

  it('treats a missing payload as {} so parameterless operations work', async () => {
    const { api, call } = setup();
    const result = await call('health', undefined);
    expect(result.ok).toBe(true);
    expect(api.health).toHaveBeenCalledWith({});
  });

  it('passes a typed error code and message through', async () => {
    const { api, call } = setup();
    api.submitScan.mockRejectedValueOnce(
      new ConflictError('attempt_unresolved', 'the previous attempt is still unresolved'),
    );
    expect(await call('submitScan', { code: '134567890123456789' })).toEqual({
      ok: false,
      error: { code: 'attempt_unresolved', message: 'the previous attempt is still unresolved' },
    });
    api.submitScan.mockRejectedValueOnce(
      new RecognitionError('code_is_product_barcode', 'this is a product barcode'),
    );
    const second = await call('submitScan', { code: '6901234567892' });
    expect(second).toMatchObject({ ok: false, error: { code: 'code_is_product_barcode' } });
  });

  it('hides the text of an untyped error from the page and hands the error to the log', async () => {
    const { api, call, internalErrors } = setup();
    api.health.mockRejectedValueOnce(new Error('db password hunter2 rejected'));
    const result = await call('health', {});
    expect(result).toEqual({ ok: false, error: { code: 'internal_error', message: 'internal error' } });
    expect(String(internalErrors[0])).toContain('hunter2');
  });

  it('removes its handler when disposed', () => {
    const { ipcMain, dispose } = setup();
    expect(ipcMain.handlers.has(IPC_INVOKE_CHANNEL)).toBe(true);
    dispose();
    expect(ipcMain.handlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
  });
});

describe('IPC sender checks', () => {
  const foreign = [
    ['another webContents', senderEvent({ id: WINDOW_ID + 1 })],
    ['a sub-frame of our window', senderEvent({ subFrame: true })],
    ['a remote page in our window', senderEvent({ url: 'https://evil.example/index.html' })],
    ['another local file', senderEvent({ url: 'file:///tmp/evil/index.html' })],
    ['a frame that is gone', senderEvent({ noFrame: true })],
  ] as const;

  for (const [what, event] of foreign) {
    it(`refuses ${what} and never reaches the service`, async () => {
      const { api, call, refused } = setup();
      const result = await call('refund', { out_trade_no: 'T1', refund_fee: 100 }, event);
      expect(result).toMatchObject({ ok: false, error: { code: 'auth_untrusted_sender' } });
      expect(api.refund).not.toHaveBeenCalled();
      expect(refused).toHaveLength(1);
    });
  }

  it('accepts our page with a hash route or query', async () => {
    const { call } = setup();
    const result = await call('health', {}, senderEvent({ url: `${RENDERER_URL}?mode=qr#/history` }));
    expect(result.ok).toBe(true);
  });

  it('refuses everything while no window exists', async () => {
    const ipcMain = new FakeIpcMain();
    const api = fakeApi();
    registerIpcHandler({ ipcMain, invoke: invokerFor(api), trusted: () => null });
    const result = await ipcMain.invoke(IPC_INVOKE_CHANNEL, senderEvent(), 'health', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'auth_untrusted_sender' } });
    expect(api.health).not.toHaveBeenCalled();
  });
});

describe('IPC calls run as the console through the access policy', () => {
  it('refuses a refund without the supervisor PIN and never reaches the service', async () => {
    const { api, call } = setup();
    const result = await call('refund', { out_trade_no: 'T1', refund_fee: 100 });
    expect(result).toMatchObject({ ok: false, error: { code: 'pin_required' } });
    expect(api.refund).not.toHaveBeenCalled();
    const wrong = await call('refund', { out_trade_no: 'T1', refund_fee: 100, pin: '11111111' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'pin_invalid' } });
    expect(api.refund).not.toHaveBeenCalled();
  });

  it('runs a refund with the supervisor PIN', async () => {
    const { api, call } = setup();
    const result = await call('refund', { out_trade_no: 'T1', refund_fee: 100, pin: SUPERVISOR_PIN });
    expect(result.ok).toBe(true);
    expect(api.refund).toHaveBeenCalledTimes(1);
  });
});
