import { describe, expect, it } from 'vitest';
import { IPC_EVENT_CHANNEL, type ServiceEvent } from '../../core/common/contract/api-contract.ts';
import { type EventTargetLike, forwardEvents } from '../../electron/event-forwarder.ts';

function bus() {
  const listeners = new Set<(e: ServiceEvent) => void>();
  return {
    subscribe(listener: (e: ServiceEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (e: ServiceEvent) => {
      for (const l of listeners) l(e);
    },
    size: () => listeners.size,
  };
}

describe('event forwarding to the window', () => {
  const event: ServiceEvent = { kind: 'shift', shift: null };

  it('sends each service event on the event channel to the live window', () => {
    const b = bus();
    const sent: unknown[] = [];
    const target: EventTargetLike = { isDestroyed: () => false, send: (...args) => sent.push(args) };
    forwardEvents(b.subscribe, () => target);
    b.emit(event);
    expect(sent).toEqual([[IPC_EVENT_CHANNEL, event]]);
  });

  it('drops events while there is no window or it is destroyed, and unsubscribes on dispose', () => {
    const b = bus();
    const sent: unknown[] = [];
    let current: EventTargetLike | null = null;
    const dispose = forwardEvents(b.subscribe, () => current);
    b.emit(event);
    current = { isDestroyed: () => true, send: () => sent.push('x') };
    b.emit(event);
    expect(sent).toEqual([]);
    dispose();
    expect(b.size()).toBe(0);
  });
});
