/**
 * Splits a serial byte stream into scanner codes. Hand-written because serialport's parsers each do
 * one part (DelimiterParser: a single delimiter; InterByteTimeoutParser: idle framing that hands on
 * whatever filled its buffer), and none caps a line, rejects it and resynchronises at the next
 * terminator, or refuses to hand on a partial line on disconnect. Pure (no timers): the adapter
 * calls `flush` when its idle or half-code timer fires, so the whole thing is fuzzable.
 */
import type { ScanRejectCode } from '../../ports/scanner-source.ts';
import type { Terminator } from '../scanner-config.ts';
import { frameText } from '../shared/frame-text.ts';

export type FrameEvent =
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'reject'; readonly reason: string; readonly code?: ScanRejectCode };

/** Why a pending partial line is being closed. */
export type FlushReason = 'idle' | 'stale' | 'disconnect';

const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;

export class LineFramer {
  readonly #terminator: Terminator;
  readonly #maxLength: number;
  readonly #buffer: Uint8Array;
  #length = 0;
  /** Over the cap: bytes are dropped until the next terminator (or idle gap in 'none' mode). */
  #discarding = false;
  /** CRLF mode: a CR was the last byte seen and may be the first half of the terminator. */
  #pendingCr = false;

  constructor(opts: { readonly terminator: Terminator; readonly maxLength: number }) {
    this.#terminator = opts.terminator;
    this.#maxLength = opts.maxLength;
    this.#buffer = new Uint8Array(opts.maxLength);
  }

  /** True when bytes of an unfinished line are held (the adapter arms its timer on this). */
  hasPending(): boolean {
    return this.#length > 0 || this.#discarding || this.#pendingCr;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    for (const byte of chunk) {
      if (this.#terminator === 'CRLF') {
        if (this.#pendingCr) {
          this.#pendingCr = false;
          if (byte === LF) {
            this.#endLine(events);
            continue;
          }
          this.#append(CR, events);
        }
        if (byte === CR) {
          this.#pendingCr = true;
          continue;
        }
      } else if (this.#isTerminator(byte)) {
        this.#endLine(events);
        continue;
      }
      this.#append(byte, events);
    }
    return events;
  }

  /**
   * 'idle': in 'none' mode the silence ends the code; in terminator modes idle is not used.
   * 'stale' / 'disconnect': the line never got its terminator, so it is a half code: rejected.
   */
  flush(reason: FlushReason): FrameEvent[] {
    if (!this.hasPending()) return [];
    const events: FrameEvent[] = [];
    if (reason === 'idle' && this.#terminator === 'none') {
      this.#endLine(events);
      return events;
    }
    const wasDiscarding = this.#discarding;
    const length = this.#length + (this.#pendingCr ? 1 : 0);
    this.#reset();
    if (!wasDiscarding) {
      events.push({
        kind: 'reject',
        code: 'scan_incomplete',
        reason:
          reason === 'disconnect'
            ? `a ${length}-byte partial code was cut off when the device disconnected`
            : `a ${length}-byte partial code never got its terminator: half a scan, or a scanner set up with no suffix (then set "terminator": "none"; docs/scanner-facts.md)`,
      });
    }
    return events;
  }

  #isTerminator(byte: number): boolean {
    switch (this.#terminator) {
      case 'auto':
        return byte === CR || byte === LF || byte === TAB;
      case 'CR':
        return byte === CR;
      case 'LF':
        return byte === LF;
      case 'TAB':
        return byte === TAB;
      case 'CRLF':
      case 'none':
        return false;
    }
  }

  #append(byte: number, events: FrameEvent[]): void {
    if (this.#discarding) return;
    if (this.#length === this.#maxLength) {
      this.#discarding = true;
      this.#length = 0;
      events.push({
        kind: 'reject',
        code: 'scan_too_long',
        reason: `line longer than ${this.#maxLength} bytes: dropped up to the next terminator`,
      });
      return;
    }
    this.#buffer[this.#length++] = byte;
  }

  #endLine(events: FrameEvent[]): void {
    const discarding = this.#discarding;
    let end = this.#length;
    // 'none' frames by silence, yet the scanner may still send a CR/LF suffix: it ends the code.
    if (this.#terminator === 'none') {
      while (end > 0 && (this.#buffer[end - 1] === CR || this.#buffer[end - 1] === LF)) end--;
    }
    const bytes = this.#buffer.slice(0, end);
    this.#reset();
    // An over-long line was reported when it overflowed; an empty one is the LF of a CRLF in 'auto'.
    if (discarding || bytes.length === 0) return;
    const text = frameText(bytes);
    events.push(
      text.kind === 'text'
        ? { kind: 'code', text: text.text }
        : { kind: 'reject', code: 'scan_garbled', reason: text.reason },
    );
  }

  #reset(): void {
    this.#length = 0;
    this.#discarding = false;
    this.#pendingCr = false;
  }
}
