/** An in-memory bridge: records every call, answers from per-operation handlers, emits events on demand. */
import type {
  OperationName,
  OperationRequest,
  OperationResult,
  ServiceEvent,
} from '../../../core/common/contract/api-contract.ts';
import { type ErrorCode, ScanPayError } from '../../../core/common/errors.ts';
import type { LinkState, RendererBridge } from '../../../renderer/src/bridge/renderer-bridge.ts';

type Handler<K extends OperationName> = (
  request: OperationRequest<K>,
) => OperationResult<K> | Promise<OperationResult<K>>;

export interface RecordedCall {
  readonly name: OperationName;
  readonly request: unknown;
}

export class FakeBridge implements RendererBridge {
  readonly capturesWedgeInMain: boolean;
  readonly calls: RecordedCall[] = [];
  private readonly handlers = new Map<OperationName, Handler<never>>();
  private readonly listeners = new Set<(event: ServiceEvent) => void>();
  private readonly linkListeners = new Set<(state: LinkState) => void>();
  private link: LinkState = 'open';

  constructor(options: { capturesWedgeInMain?: boolean } = {}) {
    this.capturesWedgeInMain = options.capturesWedgeInMain ?? false;
  }

  on<K extends OperationName>(name: K, handler: Handler<K>): this {
    this.handlers.set(name, handler as unknown as Handler<never>);
    return this;
  }

  /** The handler throws a typed error with this code. */
  fail(name: OperationName, code: ErrorCode, message: string = code): this {
    this.handlers.set(name, (() => {
      throw new ScanPayError(code, message);
    }) as Handler<never>);
    return this;
  }

  callsOf(name: OperationName): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.request);
  }

  async call<K extends OperationName>(name: K, request: OperationRequest<K>): Promise<OperationResult<K>> {
    this.calls.push({ name, request });
    const handler = this.handlers.get(name) as Handler<K> | undefined;
    if (!handler) throw new ScanPayError('internal_error', `fake bridge has no handler for ${name}`);
    return handler(request);
  }

  subscribe(listener: (event: ServiceEvent) => void) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  onLinkChange(listener: (state: LinkState) => void) {
    this.linkListeners.add(listener);
    listener(this.link);
    return () => {
      this.linkListeners.delete(listener);
    };
  }

  emit(event: ServiceEvent): void {
    for (const l of this.listeners) l(event);
  }

  setLink(state: LinkState): void {
    this.link = state;
    for (const l of this.linkListeners) l(state);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
