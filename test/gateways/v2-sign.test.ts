import { describe, expect, it } from 'vitest';
import { v2Sign, v2SigningString, v2Verify } from '../../core/gateways/shared/v2-sign.ts';

// The official vector from WeChat Pay's signing guide (docs/protocols.md §2).
const key = '192006250b4c09247ec02edce69f6a2d';
const params = {
  appid: 'wxd930ea5d5a258f4f',
  mch_id: '10000100',
  device_info: '1000',
  body: 'test',
  nonce_str: 'ibuaiVcKdpRxkhJA',
};

describe('WeChat v2 signing', () => {
  it('matches the official MD5 vector', () => {
    expect(v2Sign(params, key, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
  });
  it('matches the official HMAC-SHA256 vector', () => {
    expect(v2Sign(params, key, 'HMAC-SHA256')).toBe(
      '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6',
    );
  });
  it('skips empty values and the sign field, sorts by ASCII name', () => {
    expect(v2SigningString({ b: '2', a: '1', sign: 'X', empty: '', Z: 'z' }, 'k')).toBe('Z=z&a=1&b=2&key=k');
  });
  it('verifies a signed reply and rejects one with a changed field', () => {
    const reply = { ...params, result_code: 'SUCCESS', sign: '' };
    reply.sign = v2Sign(reply, key, 'HMAC-SHA256');
    expect(v2Verify(reply, key, 'HMAC-SHA256')).toBe(true);
    expect(v2Verify({ ...reply, total_fee: '1' }, key, 'HMAC-SHA256')).toBe(false);
    expect(v2Verify({ ...reply, sign: undefined }, key, 'HMAC-SHA256')).toBe(false);
  });
});
