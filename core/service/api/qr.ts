/** The unattended QR display: show a product's QR, its state, cancel it. */
import type { ScanPayApi } from '../../common/contract/api-contract.ts';
import type { ServiceParts } from './service-parts.ts';

export function qrOperations({ qr }: ServiceParts): Pick<ScanPayApi, 'qrStart' | 'qrState' | 'qrCancel'> {
  return {
    qrStart: (request) => qr.start(request.product, request.provider),
    qrState: async () => qr.view(),
    qrCancel: async () => qr.cancel(),
  };
}
