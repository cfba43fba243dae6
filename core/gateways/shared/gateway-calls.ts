/**
 * The one skeleton every adapter's gateway shares (validate → send → map): an adapter says, per port
 * operation, how to send the request (build, sign and transport it) and how to map the reply; this
 * applies the port's own validation first, always the same validator for the same operation, so no
 * adapter can forget one, and returns the PaymentGateway. Sending and mapping stay in the adapter:
 * they are what differs between providers.
 */
import type {
  CloseOutcome,
  MicropayRequest,
  OrderRef,
  PaymentGateway,
  PaymentOutcome,
  PrecreateOutcome,
  PrecreateRequest,
  RefundOutcome,
  RefundQueryRequest,
  RefundRequest,
  ReverseOutcome,
} from '../../ports/payment-gateway.ts';
import {
  validateMicropay,
  validateOrderRef,
  validatePrecreate,
  validateRefund,
  validateRefundQuery,
} from './validate-request.ts';

/** How one operation reaches the provider: `send` returns the transport's reply, `map` reads it. */
export interface GatewayCall<Request, Reply, Outcome> {
  send(request: Request): Promise<Reply>;
  map(reply: Reply, request: Request): Outcome;
}

/** Per operation, the adapter's send and map; Reply is the adapter's transport result type. */
export interface GatewayCalls<Reply> {
  readonly micropay: GatewayCall<MicropayRequest, Reply, PaymentOutcome>;
  readonly query: GatewayCall<OrderRef, Reply, PaymentOutcome>;
  readonly reverse: GatewayCall<OrderRef, Reply, ReverseOutcome>;
  readonly close: GatewayCall<OrderRef, Reply, CloseOutcome>;
  readonly refund: GatewayCall<RefundRequest, Reply, RefundOutcome>;
  readonly queryRefund: GatewayCall<RefundQueryRequest, Reply, RefundOutcome>;
  readonly precreate: GatewayCall<PrecreateRequest, Reply, PrecreateOutcome>;
}

type Identity = Pick<PaymentGateway, 'provider' | 'wallets' | 'qrWallet'>;

function operation<Request, Reply, Outcome>(
  validate: (request: Request) => void,
  call: GatewayCall<Request, Reply, Outcome>,
): (request: Request) => Promise<Outcome> {
  return async (request) => {
    validate(request);
    return call.map(await call.send(request), request);
  };
}

export function gatewayFromCalls<Reply>(identity: Identity, calls: GatewayCalls<Reply>): PaymentGateway {
  return {
    provider: identity.provider,
    wallets: identity.wallets,
    qrWallet: identity.qrWallet,
    micropay: operation(validateMicropay, calls.micropay),
    query: operation(validateOrderRef, calls.query),
    reverse: operation(validateOrderRef, calls.reverse),
    close: operation(validateOrderRef, calls.close),
    refund: operation(validateRefund, calls.refund),
    queryRefund: operation(validateRefundQuery, calls.queryRefund),
    precreate: operation(validatePrecreate, calls.precreate),
  };
}
