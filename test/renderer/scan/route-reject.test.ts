import { describe, expect, it } from 'vitest';
import { routeReject } from '../../../renderer/src/scan/route-scan.ts';
import { createAppStores } from '../../../renderer/src/state/app-stores.ts';
import { defaultBridge } from '../fixtures/render-app.tsx';

describe('a wedge burst the browser refused', () => {
  it('shows as a rejected scan with its reject code, and submits nothing', () => {
    const bridge = defaultBridge();
    const stores = createAppStores(bridge);
    routeReject(stores, 'wedge_alt_numpad', 'the scanner types Alt+numpad sequences');
    expect(stores.sale.getState().error).toEqual({
      code: 'wedge_alt_numpad',
      message: 'the scanner types Alt+numpad sequences',
    });
    expect(bridge.callsOf('submitScan')).toEqual([]);
  });
});
