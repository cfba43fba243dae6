/**
 * The parts of payment-code recognition below classifyPaymentCode (whose cases are in
 * test/recognition): the scanner framing normaliser, the GS1 check digit that tells product
 * barcodes apart, and the wallet rule table's boundaries.
 */
import { describe, expect, it } from 'vitest';
import { hasValidGs1CheckDigit } from '../../core/common/recognition/classify-payment-code.ts';
import { normaliseScan } from '../../core/common/recognition/normalise-scan.ts';
import { isSupportedWallet, WALLET_RULES, type Wallet } from '../../core/common/recognition/wallet-rules.ts';

describe('normaliseScan', () => {
  it.each([
    ['134567890123456789\r\n', '134567890123456789', undefined],
    [']C0134567890123456789', '134567890123456789', ']C0'],
    [']Q1 284567890123456789\t', '284567890123456789', ']Q1'],
    [']E06901234567892', '6901234567892', ']E0'],
    ['\u3000１３４５\u3000', '1345', undefined],
    ['   ', '', undefined],
  ])('%j → text %j, AIM id %j', (raw, text, aimId) => {
    expect(normaliseScan(raw)).toEqual({ text, aimId });
  });

  it('keeps a "]" that is not an AIM identifier and inner spaces as they are', () => {
    expect(normaliseScan(']1').text).toBe(']1');
    expect(normaliseScan('1345 6789').text).toBe('1345 6789');
  });
});

describe('hasValidGs1CheckDigit', () => {
  it.each([
    ['6901234567892', true],
    ['6901234567891', false],
    ['96385074', true],
    ['96385075', false],
    ['036000291452', true],
    ['036000291453', false],
    ['00012345600012', true],
  ])('%s → %s', (digits, valid) => {
    expect(hasValidGs1CheckDigit(digits)).toBe(valid);
  });
});

describe('WALLET_RULES', () => {
  const walletOf = (code: string): Wallet | undefined =>
    WALLET_RULES.find((rule) => rule.pattern.test(code))?.wallet;

  it.each([
    [`10${'0'.repeat(16)}`, 'wxpay'],
    [`15${'9'.repeat(16)}`, 'wxpay'],
    [`16${'0'.repeat(16)}`, undefined],
    [`13${'0'.repeat(15)}`, undefined],
    [`13${'0'.repeat(17)}`, undefined],
    [`25${'0'.repeat(14)}`, 'alipay'],
    [`30${'0'.repeat(22)}`, 'alipay'],
    [`24${'0'.repeat(16)}`, undefined],
    [`31${'0'.repeat(16)}`, undefined],
    [`28${'0'.repeat(13)}`, undefined],
    [`28${'0'.repeat(23)}`, undefined],
    [`62${'0'.repeat(17)}`, 'unionpay'],
    [`01${'0'.repeat(17)}`, 'ecny'],
  ])('%s → %s', (code, wallet) => {
    expect(walletOf(code)).toBe(wallet);
  });

  it('no two rules claim the same code, and only WeChat Pay and Alipay are chargeable', () => {
    for (const rule of WALLET_RULES) {
      expect(rule.supported).toBe(isSupportedWallet(rule.wallet));
    }
    const samples = [
      '134567890123456789',
      '284567890123456789',
      '6212345678901234567',
      '0112345678901234567',
    ];
    for (const code of samples) {
      expect(WALLET_RULES.filter((rule) => rule.pattern.test(code))).toHaveLength(1);
    }
  });
});
