import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { classifyPaymentCode } from '../../core/common/recognition/classify-payment-code.ts';

const ok: [string, string, 'wxpay' | 'alipay', string][] = [
  ['a WeChat code', '134567890123456789', 'wxpay', '134567890123456789'],
  ['WeChat prefix 10', '101234567890123456', 'wxpay', '101234567890123456'],
  ['WeChat prefix 15', '151234567890123456', 'wxpay', '151234567890123456'],
  ['a 16-digit Alipay code', '2812345678901234', 'alipay', '2812345678901234'],
  ['a 24-digit Alipay code', '301234567890123456789012', 'alipay', '301234567890123456789012'],
  ['Alipay prefix 25', '251234567890123456', 'alipay', '251234567890123456'],
  ['a CR suffix', '134567890123456789\r', 'wxpay', '134567890123456789'],
  ['a CRLF suffix', '134567890123456789\r\n', 'wxpay', '134567890123456789'],
  ['a Tab suffix', '134567890123456789\t', 'wxpay', '134567890123456789'],
  ['surrounding spaces', '  284567890123456789  ', 'alipay', '284567890123456789'],
  ['an ideographic space (IME)', '\u3000284567890123456789', 'alipay', '284567890123456789'],
  ['an AIM Code 128 prefix', ']C0134567890123456789', 'wxpay', '134567890123456789'],
  ['an AIM QR prefix', ']Q1284567890123456789\r', 'alipay', '284567890123456789'],
  [
    'full-width digits from a Chinese IME',
    '１３４５６７８９０１２３４５６７８９',
    'wxpay',
    '134567890123456789',
  ],
];

const refused: [string, string, string][] = [
  ['nothing', '', 'code_empty'],
  ['only a terminator', '\r\n', 'code_empty'],
  ['an EAN-13 product barcode', '6901234567892', 'code_is_product_barcode'],
  ['an EAN-13 with its AIM id', ']E06901234567892', 'code_is_product_barcode'],
  ['an EAN-8', '96385074', 'code_is_product_barcode'],
  ['a UPC-A', '036000291452', 'code_is_product_barcode'],
  ['a half scan', '13456789', 'code_too_short'],
  ['too long', '1345678901234567890123456', 'code_too_long'],
  ['a URL from a QR', 'https://example.com/pay', 'code_has_letters'],
  ['letters mixed in', '13456789012345678A', 'code_has_letters'],
  ['punctuation', '134567-890123456789', 'code_has_invalid_characters'],
  ['a WeChat-looking code of 17 digits', '13456789012345678', 'code_unknown_prefix'],
  ['WeChat prefix 16', '164567890123456789', 'code_unknown_prefix'],
  ['an Alipay prefix 31', '314567890123456789', 'code_unknown_prefix'],
  ['a UnionPay code', '6212345678901234567', 'wallet_not_supported'],
  ['an e-CNY code', '0112345678901234567', 'wallet_not_supported'],
  ['a NUL byte inside', '1345678901\u00002345678', 'code_has_invalid_characters'],
];

describe('payment code recognition', () => {
  for (const [what, raw, wallet, authCode] of ok) {
    it(`accepts ${what}`, () => {
      expect(classifyPaymentCode(raw)).toEqual({ ok: true, wallet, authCode });
    });
  }
  for (const [what, raw, code] of refused) {
    it(`refuses ${what} with ${code}`, () => {
      const result = classifyPaymentCode(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe(code);
        expect(result.error.message.length).toBeGreaterThan(5);
      }
    });
  }
  it('names the wallet it cannot take', () => {
    const result = classifyPaymentCode('6212345678901234567');
    expect(result.ok === false && result.error.wallet).toBe('unionpay');
  });
});

describe('scanpay classify', () => {
  const run = (code: string) => {
    try {
      return {
        status: 0,
        out: execFileSync(process.execPath, ['bin/scanpay.js', 'classify', code], { encoding: 'utf8' }),
      };
    } catch (error) {
      const e = error as { status: number; stdout: string };
      return { status: e.status, out: e.stdout };
    }
  };
  it('prints one JSON line and exits 0 for a payment code', () => {
    const { status, out } = run('134567890123456789');
    expect(status).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(out)).toEqual({ ok: true, wallet: 'wxpay', authCode: '134567890123456789' });
  });
  it('prints the error and exits 1 for a product barcode', () => {
    const { status, out } = run('6901234567892');
    expect(status).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, error: { code: 'code_is_product_barcode' } });
  });
});
