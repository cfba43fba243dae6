/** The setters both refund forms (this till's sale, another till's sale) share for reason and PIN. */
import { PIN_MAX_LENGTH } from '../../../core/common/contract/pin-rules.ts';

export function refundFormSetters(set: (patch: { reason: string } | { pin: string }) => void) {
  return {
    setReason(text: string) {
      set({ reason: text.slice(0, 80) });
    },
    setPin(pin: string) {
      // As typed: 6 to 12 digits or a passphrase (pin-rules.ts), never cut to fewer than a PIN may hold.
      set({ pin: pin.slice(0, PIN_MAX_LENGTH) });
    },
  };
}
