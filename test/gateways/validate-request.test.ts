import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/common/errors.ts';
import { parsePayjsConfig } from '../../core/gateways/payjs/payjs-config.ts';
import { createPayjsGateway } from '../../core/gateways/payjs/payjs-gateway.ts';

// The gateway points at a closed port: a request that got past validation would come back unknown.
describe('adapters refuse malformed requests before sending anything', () => {
  const gateway = createPayjsGateway(
    parsePayjsConfig({ provider: 'payjs', mchid: '1', key: 'k', base_url: 'http://127.0.0.1:1' }),
  );
  const good = { outTradeNo: 'T1', authCode: '134567890123456789', totalFee: 100, subject: 'x' };
  it.each([
    ['fractional fen', { ...good, totalFee: 1.5 }, 'amount_not_integer'],
    ['zero amount', { ...good, totalFee: 0 }, 'amount_not_positive'],
    ['empty out_trade_no', { ...good, outTradeNo: '' }, 'out_trade_no_invalid'],
    ['out_trade_no too long', { ...good, outTradeNo: 'x'.repeat(33) }, 'out_trade_no_invalid'],
    ['product barcode as auth code', { ...good, authCode: '690123' }, 'auth_code_invalid'],
  ])('%s → ValidationError %s', async (_name, request, code) => {
    await expect(gateway.micropay(request)).rejects.toSatisfy(
      (error) => error instanceof ValidationError && error.code === code,
    );
  });
  it('a refund larger than the order', async () => {
    await expect(
      gateway.refund({ outTradeNo: 'T1', outRefundNo: 'R1', totalFee: 100, refundFee: 101 }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
