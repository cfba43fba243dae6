import { describe, expect, it } from 'vitest';
import { type CallResult, IPC_INVOKE_CHANNEL } from '../../core/common/contract/api-contract.ts';
import { ConflictError, RecognitionError } from '../../core/common/errors.ts';
import { invokeOperation, registerIpcHandler } from '../../electron/ipc-handler.ts';
import { fakeApi } from './fakes/fake-api.ts';
import { FakeIpcMain, RENDERER_URL, senderEvent, WINDOW_ID } from './fakes/fake-ipc.ts';

function setup() {
  const ipcMain = new FakeIpcMain();
  const api = fakeApi();
  const refused: string[] = [];
  const dispose = registerIpcHandler({
    ipcMain,
    api,
    trusted: () => ({ webContentsId: WINDOW_ID, rendererUrl: RENDERER_URL }),
    onRefused: (line) => refused.push(line),
  });
  const call = (name: unknown, request: unknown, event = senderEvent()) =>
    ipcMain.invoke(IPC_INVOKE_CHANNEL, event, name, request) as Promise<CallResult<unknown>>;
  return { ipcMain, api, refused, dispose, call };
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

  it('refuses an unknown operation with validation_unknown_operation and calls nothing', async () => {
    const { api, call } = setup();
    const result = await call('dropTables', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation_unknown_operation');
    expect(result.error.message).toContain('dropTables');
    for (const fn of Object.values(api)) expect(fn).not.toHaveBeenCalled();
  });

  it('refuses a non-string operation name', async () => {
    const { call } = setup();
    const result = await call({ toString: 'x' }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'validation_unknown_operation' } });
  });

  it('refuses a bad payload with validation_bad_request naming the field, without calling the service', async () => {
    const { api, call } = setup();
    const result = await call('submitScan', { code: '', extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation_bad_request');
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
      new RecognitionError('not_payment_code', 'this is a product barcode'),
    );
    const second = await call('submitScan', { code: '6901234567892' });
    expect(second).toMatchObject({ ok: false, error: { code: 'not_payment_code' } });
  });

  it('hides the text of an untyped error', async () => {
    const { api, call } = setup();
    api.health.mockRejectedValueOnce(new Error('db password hunter2 rejected'));
    const result = await call('health', {});
    expect(result).toEqual({ ok: false, error: { code: 'internal_error', message: 'internal error' } });
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
    registerIpcHandler({ ipcMain, api, trusted: () => null });
    const result = await ipcMain.invoke(IPC_INVOKE_CHANNEL, senderEvent(), 'health', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'auth_untrusted_sender' } });
    expect(api.health).not.toHaveBeenCalled();
  });
});

describe('invokeOperation', () => {
  it('is the same validation the handler uses (usable by the headless bridge)', async () => {
    const api = fakeApi();
    const result = await invokeOperation(api, 'openShift', { cashier: 'li', float_fee: 1.5 });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation_bad_request' } });
    expect(api.openShift).not.toHaveBeenCalled();
  });
});
