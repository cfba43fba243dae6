/**
 * Turns the bytes of one complete frame into the code text, or says why it is not one. Scanners
 * send ASCII (QR payloads may be UTF-8); a NUL, another control byte or invalid UTF-8 means line
 * noise or a wrong baud rate, and such a frame is rejected whole rather than handed on half-right.
 */
export type FrameText =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'invalid'; readonly reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

export function frameText(bytes: Uint8Array): FrameText {
  for (const byte of bytes) {
    if (byte < 0x20 || byte === 0x7f) {
      return {
        kind: 'invalid',
        reason: `control byte 0x${byte.toString(16).padStart(2, '0')} in a ${bytes.length}-byte line (noise or wrong baud rate?)`,
      };
    }
  }
  try {
    return { kind: 'text', text: decoder.decode(bytes) };
  } catch {
    return {
      kind: 'invalid',
      reason: `a ${bytes.length}-byte line that is not valid text (noise or wrong baud rate?)`,
    };
  }
}
