/** Pushes every service event to our window on the one event channel (dropped while no page is alive). */
import { IPC_EVENT_CHANNEL, type ServiceEvent } from '../core/common/contract/api-contract.ts';

export interface EventTargetLike {
  isDestroyed(): boolean;
  send(channel: string, event: ServiceEvent): void;
}

export function forwardEvents(
  subscribe: (listener: (event: ServiceEvent) => void) => () => void,
  target: () => EventTargetLike | null,
): () => void {
  return subscribe((event) => {
    const contents = target();
    if (contents === null || contents.isDestroyed()) return;
    contents.send(IPC_EVENT_CHANNEL, event);
  });
}
