/**
 * A screen's keyboard handling (hotkeys, amount digits, Esc): one keydown listener on the window for
 * as long as the component is mounted, always calling the latest handler, so screens need neither the
 * add/remove boilerplate nor dependency lists that re-register the listener.
 */
import { useEffect, useRef } from 'react';

export function useWindowKeydown(onKey: (event: KeyboardEvent) => void): void {
  const latest = useRef(onKey);
  useEffect(() => {
    latest.current = onKey;
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => latest.current(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}

/** Typing into a field is text, never a hotkey or an amount digit. */
export function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA');
}
