/**
 * What a new supervisor PIN must be, shared by the request schema and the Settings screen: a 4-digit
 * PIN falls to guessing in hours, so 6 to 12 digits, or a passphrase of at least 10 characters.
 */
export const NEW_PIN_RULE = '6 to 12 digits, or a passphrase of at least 10 characters';

/** The longest PIN or passphrase accepted; the Settings screen's PIN fields keep no more than this. */
export const PIN_MAX_LENGTH = 64;

export function isAcceptableNewPin(pin: string): boolean {
  return /^\d{6,12}$/.test(pin) || (pin.length >= 10 && pin.length <= PIN_MAX_LENGTH && /\D/.test(pin));
}
