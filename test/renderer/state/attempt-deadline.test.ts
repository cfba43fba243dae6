import { describe, expect, it } from 'vitest';
import { attemptDeadline } from '../../../renderer/src/state/attempt-deadline.ts';
import { anAttempt, T0 } from '../fixtures/views.ts';

const schedules = { wxpay: { query_delays_ms: [2500, 1500, 1000], reverse_after_ms: 15000 } };

describe('attempt deadline', () => {
  it("uses the service's deadline when it sends one", () => {
    expect(attemptDeadline(anAttempt({ deadline_at: T0 + 99 }), schedules)).toBe(T0 + 99);
  });
  it('otherwise estimates the end of the poll schedule from the attempt start', () => {
    expect(attemptDeadline(anAttempt(), schedules)).toBe(T0 + 5000);
  });
  it('has none without a schedule for the provider or for a QR attempt', () => {
    expect(attemptDeadline(anAttempt({ provider: 'alipay' }), schedules)).toBeNull();
    expect(attemptDeadline(anAttempt({ mode: 'qr' }), schedules)).toBeNull();
  });
});
