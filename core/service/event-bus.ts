/** One channel for everything the UI shows live (IPC in Electron, SSE in headless mode). */
import type { ServiceEvent } from '../common/contract/api-contract.ts';

export class EventBus {
  private readonly listeners = new Set<(event: ServiceEvent) => void>();

  subscribe(listener: (event: ServiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: ServiceEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken subscriber (a closed socket) must not stop the others.
      }
    }
  }
}
