/**
 * Spoken confirmation in the renderer: a paid event plays the amount once, declines and stops play
 * the error tone once, and the Settings switches and language are followed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SpokenPhrase } from '../../../core/common/voice/spoken-amount.ts';
import { CLIP_NAMES } from '../../../core/common/voice/spoken-amount.ts';
import { createAppStores, dispatchEvent, loadAll } from '../../../renderer/src/state/app-stores.ts';
import { createVoiceStore, type VoiceOutput } from '../../../renderer/src/state/voice-store.ts';
import { clipFile } from '../../../renderer/src/voice/browser-voice-output.ts';
import { somePeripherals } from '../fixtures/peripherals.ts';
import { defaultBridge } from '../fixtures/render-app.tsx';
import { anAttempt, anOrder, aSale, T0 } from '../fixtures/views.ts';

class RecordingOutput implements VoiceOutput {
  readonly spoken: { phrase: SpokenPhrase; volume: number; language: string }[] = [];
  tones = 0;
  speak(phrase: SpokenPhrase, options: { volume: number; language: 'zh-CN' | 'en' }) {
    this.spoken.push({ phrase, ...options });
  }
  errorTone() {
    this.tones++;
  }
}

const paid = (over = {}) =>
  anOrder({ status: 1, tender: 'wxpay', provider: 'wxpay', paid_at: T0, total_fee: 1288, ...over });

describe('voice store', () => {
  it('a paid WeChat sale says 微信收款十二点八八元 once, however often its order event comes', () => {
    const output = new RecordingOutput();
    const voice = createVoiceStore(output, () => T0 + 500);
    voice.getState().applyOrder(anOrder({ status: 0 })); // charging: silent
    voice.getState().applyOrder(paid());
    voice.getState().applyOrder(paid({ updated_at: T0 + 100 })); // the callback's update
    expect(output.spoken.map((s) => s.phrase.text)).toEqual(['微信收款十二点八八元']);
    expect(output.spoken[0]!.volume).toBe(80);
  });

  it('Alipay says 支付宝到账; English mode says it in English', () => {
    const output = new RecordingOutput();
    const voice = createVoiceStore(output, () => T0);
    voice.getState().applyOrder(paid({ out_trade_no: 'A', tender: 'alipay', total_fee: 100500 }));
    voice.getState().configure({ language: 'en' });
    voice.getState().applyOrder(paid({ out_trade_no: 'B', tender: 'alipay', total_fee: 100500 }));
    expect(output.spoken.map((s) => s.phrase.text)).toEqual([
      '支付宝到账一千零五元',
      'Alipay received 1005.00 yuan',
    ]);
  });

  it('cash sales, stale events and a switched-off voice stay silent', () => {
    const output = new RecordingOutput();
    const voice = createVoiceStore(output, () => T0 + 5 * 60_000);
    voice.getState().applyOrder(paid()); // paid five minutes ago: a reload, not news
    voice.getState().applyOrder(paid({ out_trade_no: 'CASH', tender: 'cash', paid_at: T0 + 5 * 60_000 }));
    voice.getState().configure({ enabled: false });
    voice.getState().applyOrder(paid({ out_trade_no: 'OFF', paid_at: T0 + 5 * 60_000 }));
    expect(output.spoken).toEqual([]);
  });

  it("speaks a sale it saw unpaid even when this screen's clock is far from the service's", () => {
    const output = new RecordingOutput();
    const voice = createVoiceStore(output, () => T0 + 10 * 60_000); // a tablet ten minutes ahead
    voice.getState().applySale(aSale({ state: 'charging', order: anOrder({ out_trade_no: 'SKEW' }) }));
    voice.getState().applyOrder(paid({ out_trade_no: 'SKEW' }));
    voice.getState().applyOrder(paid({ out_trade_no: 'NEVER-SEEN' })); // an old sale from a reload
    expect(output.spoken.map((s) => s.phrase.text)).toEqual(['微信收款十二点八八元']);
  });

  it('a declined or stopped attempt plays the error tone once; paid and polling do not', () => {
    const output = new RecordingOutput();
    const voice = createVoiceStore(output, () => T0);
    voice.getState().applyAttempt(anAttempt({ phase: 'polling', updated_at: T0 }));
    voice.getState().applyAttempt(anAttempt({ phase: 'paid', updated_at: T0 }));
    voice.getState().applyAttempt(anAttempt({ out_trade_no: 'X-1', phase: 'failed', updated_at: T0 }));
    voice.getState().applyAttempt(anAttempt({ out_trade_no: 'X-1', phase: 'failed', updated_at: T0 }));
    voice.getState().applyAttempt(anAttempt({ out_trade_no: 'X-2', phase: 'reversed', updated_at: T0 }));
    expect(output.tones).toBe(2);
    expect(output.spoken).toEqual([]);
  });
});

describe('voice in the app stores', () => {
  it('a paid event from the service plays once, at the volume Settings say', async () => {
    const output = new RecordingOutput();
    const bridge = defaultBridge().on('getPeripherals', () =>
      somePeripherals({ voice: { enabled: true, volume: 35 } }),
    );
    const stores = createAppStores(bridge, { language: 'zh-CN', voiceOutput: output });
    await loadAll(stores, 'cashier');
    const now = Date.now();
    dispatchEvent(stores, { kind: 'order', order: paid({ paid_at: now }) });
    dispatchEvent(stores, { kind: 'order', order: paid({ paid_at: now }) });
    expect(output.spoken).toHaveLength(1);
    expect(output.spoken[0]).toMatchObject({
      volume: 35,
      language: 'zh-CN',
      phrase: { text: '微信收款十二点八八元' },
    });
    dispatchEvent(stores, {
      kind: 'peripherals',
      peripherals: somePeripherals({ voice: { enabled: false, volume: 35 } }),
    });
    dispatchEvent(stores, { kind: 'order', order: paid({ out_trade_no: 'SO2', paid_at: now }) });
    expect(output.spoken).toHaveLength(1);
  });
});

describe('voice clips', () => {
  it('every clip a phrase can use is shipped', () => {
    const publicDir = join(import.meta.dirname, '../../../renderer/public');
    for (const name of CLIP_NAMES) expect(existsSync(join(publicDir, clipFile(name))), name).toBe(true);
  });
});
