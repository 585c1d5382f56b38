import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { orderStream, paymentStream, type EventStore, type Money } from '@strata/events';
import { createMemoryEventStore } from '../adapters/eventStore.memory.js';
import type { CommandContext, CommandOutcome, CommandResult } from './commandHandler.js';
import type { DomainErrorTag } from './errors.js';
import { ctx, placeOrderCmd } from './testing/fixtures.js';
import { createWriteModel, type WriteModel } from './writeModel.js';

/*
 * Model-based: random command programs drive `createWriteModel` over the memory store, and after
 * every step the aggregates it reloads must agree with a deliberately naive model of the rules.
 */

const ORDERS = ['o-1', 'o-2'] as const;
type OrderId = (typeof ORDERS)[number];
const TOTAL = 9950; // placeOrderCmd's total
const usd = (amount: number) => ({ amount, currency: 'USD' }) as Money;

interface Aggregates {
  order: 'none' | 'placed' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled';
  payment: 'none' | 'requested' | 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded';
  captured: number;
  refunded: number;
}
interface Model {
  readonly orders: Record<OrderId, Aggregates>;
  /** Some command has appended events, so there is one to retry. */
  canRetry: boolean;
}
interface Real {
  readonly store: EventStore;
  wm: WriteModel;
  seq: number;
  last?: { readonly call: (wm: WriteModel) => Promise<CommandResult>; readonly outcome: CommandOutcome };
}

/** What the naive model expects: n events appended, or a rejection with this tag. */
type Expected = { readonly events: number } | { readonly rejected: DomainErrorTag };
const ok = (events = 1): Expected => ({ events });
const no = (rejected: DomainErrorTag): Expected => ({ rejected });

type Rule = (a: Aggregates) => Expected;
type Invoke = (wm: WriteModel, orderId: OrderId, c: CommandContext) => Promise<CommandResult>;

const orderRules = {
  place: (a) => (a.order === 'none' ? ok() : ok(0)),
  confirm: (a) =>
    a.order === 'placed' ? ok() : a.order === 'none' ? no('OrderNotFound') : a.order === 'cancelled' ? no('OrderAlreadyCancelled') : ok(0),
  cancel: (a) =>
    a.order === 'placed' || a.order === 'confirmed' ? ok() : a.order === 'none' ? no('OrderNotFound') : a.order === 'cancelled' ? ok(0) : no('InvalidOrderTransition'),
  ship: (a) =>
    a.order === 'confirmed' ? ok() : a.order === 'none' ? no('OrderNotFound') : a.order === 'cancelled' ? no('OrderAlreadyCancelled') : a.order === 'placed' ? no('InvalidOrderTransition') : ok(0),
  deliver: (a) =>
    a.order === 'shipped' ? ok() : a.order === 'delivered' ? ok(0) : a.order === 'none' ? no('OrderNotFound') : a.order === 'cancelled' ? no('OrderAlreadyCancelled') : no('InvalidOrderTransition'),
} satisfies Record<string, Rule>;

const paymentRules = {
  request: (a) => (a.payment === 'none' ? ok() : ok(0)),
  authorize: (a) =>
    a.payment === 'requested' ? ok() : a.payment === 'none' ? no('PaymentNotFound') : a.payment === 'declined' ? no('InvalidPaymentTransition') : ok(0),
  decline: (a) => (a.payment === 'requested' ? ok() : a.payment === 'none' ? no('PaymentNotFound') : a.payment === 'declined' ? ok(0) : no('InvalidPaymentTransition')),
  void: (a) => (a.payment === 'authorized' ? ok() : a.payment === 'none' ? no('PaymentNotFound') : a.payment === 'voided' ? ok(0) : no('InvalidPaymentTransition')),
} satisfies Record<string, Rule>;

const captureRule = (amount: number): Rule => (a) => {
  if (a.payment === 'none') return no('PaymentNotFound');
  if (a.payment === 'authorized') return amount > TOTAL ? no('CaptureExceedsAuthorized') : ok();
  if (a.payment === 'captured' || a.payment === 'refunded') return amount === a.captured ? ok(0) : no('InvalidPaymentTransition');
  return no('InvalidPaymentTransition');
};
const refundRule = (amount: number): Rule => (a) => {
  if (a.payment === 'none') return no('PaymentNotFound');
  if (a.payment !== 'captured' && a.payment !== 'refunded') return no('InvalidPaymentTransition');
  return amount > a.captured - a.refunded ? no('RefundExceedsCaptured') : ok();
};

/** The model's next state after an accepted command (rules above decided it is accepted). */
const NEXT: Record<string, (a: Aggregates, amount: number) => Partial<Aggregates>> = {
  place: () => ({ order: 'placed' }),
  confirm: () => ({ order: 'confirmed' }),
  cancel: () => ({ order: 'cancelled' }),
  ship: () => ({ order: 'shipped' }),
  deliver: () => ({ order: 'delivered' }),
  request: () => ({ payment: 'requested' }),
  authorize: () => ({ payment: 'authorized' }),
  decline: () => ({ payment: 'declined' }),
  void: () => ({ payment: 'voided' }),
  capture: (_a, amount) => ({ payment: 'captured', captured: amount }),
  refund: (a, amount) => ({ payment: 'refunded', refunded: a.refunded + amount }),
};

class Step implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly name: string,
    readonly orderId: OrderId,
    readonly rule: Rule,
    readonly invoke: Invoke,
    readonly amount = 0,
  ) {}
  check = (): boolean => true;
  async run(model: Model, real: Real): Promise<void> {
    const before = model.orders[this.orderId];
    const expected = this.rule(before);
    const c = ctx(`cmd-${++real.seq}`);
    const call = (wm: WriteModel) => this.invoke(wm, this.orderId, c);
    const result = await call(real.wm);
    if ('rejected' in expected) {
      expect(E.isLeft(result) ? result.left._tag : 'accepted').toBe(expected.rejected);
    } else {
      expect(E.isRight(result) ? [result.right.events.length, result.right.duplicate] : result.left._tag).toEqual([expected.events, false]);
      if (E.isRight(result) && expected.events > 0) {
        model.orders[this.orderId] = { ...before, ...NEXT[this.name]!(before, this.amount) };
        model.canRetry = true;
        real.last = { call, outcome: result.right };
      }
    }
    await expectAgreement(model, real, this.orderId);
  }
  toString = (): string => `${this.name}(${this.orderId}${this.amount ? `, ${this.amount}` : ''})`;
}

/** Re-sends the last command that appended, with its command id: the first outcome, nothing appended. */
class Retry implements fc.AsyncCommand<Model, Real> {
  check = (model: Readonly<Model>): boolean => model.canRetry;
  async run(_model: Model, real: Real): Promise<void> {
    const { call, outcome } = real.last!;
    const before = (await real.store.readStream(outcome.streamId)).version;
    expect(await call(real.wm)).toEqual(E.right({ ...outcome, duplicate: true }));
    expect((await real.store.readStream(outcome.streamId)).version).toBe(before);
  }
  toString = (): string => 'retry-last';
}

/** A new write model over the same store: nothing it needs may live in memory. */
class Restart implements fc.AsyncCommand<Model, Real> {
  check = (): boolean => true;
  async run(_model: Model, real: Real): Promise<void> {
    real.wm = createWriteModel({ eventStore: real.store });
    expect(real.wm).toBeDefined();
  }
  toString = (): string => 'restart';
}

const expectAgreement = async (model: Model, real: Real, orderId: OrderId): Promise<void> => {
  const m = model.orders[orderId];
  const order = await real.wm.loadOrder(orderId);
  const payment = await real.wm.loadPayment(orderId);
  const settled = payment.state.status === 'captured' || payment.state.status === 'refunded' ? payment.state : undefined;
  expect([order.state.status, payment.state.status, settled?.captured.amount ?? 0, settled?.refunded ?? 0]).toEqual([m.order, m.payment, m.captured, m.refunded]);
  for (const stream of [orderStream(orderId), paymentStream(orderId)]) expect((await real.wm.readHistory(stream)).chain.ok).toBe(true);
};

const step = (name: keyof typeof orderRules | keyof typeof paymentRules, invoke: Invoke) =>
  fc.constantFrom(...ORDERS).map((id) => new Step(name, id, { ...orderRules, ...paymentRules }[name], invoke));
// Amounts cluster at the edges (halves, the total ± 1) where an off-by-one in a limit would show.
const amountStep = (
  name: 'capture' | 'refund',
  amounts: readonly number[],
  rule: (n: number) => Rule,
  invoke: (wm: WriteModel, id: OrderId, c: CommandContext, amount: number) => Promise<CommandResult>,
) =>
  fc
    .tuple(fc.constantFrom(...ORDERS), fc.constantFrom(...amounts))
    .map(([id, amount]) => new Step(name, id, rule(amount), (wm, o, c) => invoke(wm, o, c, amount), amount));

const place = step('place', (wm, orderId, c) => wm.placeOrder({ ...placeOrderCmd, orderId }, c));
const confirm = step('confirm', (wm, orderId, c) => wm.confirmOrder({ orderId, paymentId: orderId }, c));
const cancel = step('cancel', (wm, orderId, c) => wm.cancelOrder({ orderId, reason: 'changed my mind' }, c));
const ship = step('ship', (wm, orderId, c) => wm.shipOrder({ orderId, carrier: 'UPS' }, c));
const deliver = step('deliver', (wm, orderId, c) => wm.deliverOrder({ orderId }, c));
const request = step('request', (wm, orderId, c) => wm.requestPayment({ paymentId: orderId, orderId, customerId: 'c-1', amount: usd(TOTAL) }, c));
const authorize = step('authorize', (wm, orderId, c) =>
  wm.authorizePayment({ paymentId: orderId, providerRef: 'ref', amount: usd(TOTAL), expiresAt: '2026-01-08T00:00:00Z' }, c),
);
const decline = step('decline', (wm, orderId, c) => wm.declinePayment({ paymentId: orderId, reason: 'insufficient funds' }, c));
const voidHold = step('void', (wm, orderId, c) => wm.voidPayment({ paymentId: orderId, reason: 'cancelled' }, c));
const capture = amountStep('capture', [TOTAL, TOTAL, TOTAL - 1, TOTAL + 1], captureRule, (wm, orderId, c, amount) => wm.capturePayment({ paymentId: orderId, amount: usd(amount) }, c));
const refund = amountStep('refund', [1, 4975, 4976, TOTAL - 1, TOTAL], refundRule, (wm, orderId, c, amount) => wm.refundPayment({ paymentId: orderId, amount: usd(amount) }, c));

// Repeats weight the list towards the happy paths, so programs reach captures, refunds and shipments.
const commands = fc.commands(
  [place, place, confirm, confirm, cancel, ship, ship, deliver, request, request, authorize, authorize, decline, voidHold, capture, capture, refund, refund, refund,
    fc.constant(new Retry()), fc.constant(new Retry()), fc.constant(new Restart())],
  { maxCommands: 60, size: 'max' },
);

const empty = (): Aggregates => ({ order: 'none', payment: 'none', captured: 0, refunded: 0 });

describe('write model, model-based over the memory store', () => {
  it('agrees with a naive model of the rules, retries by command id, and survives restarts', async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (program) => {
        const store = createMemoryEventStore();
        await fc.asyncModelRun(() => ({ model: { orders: { 'o-1': empty(), 'o-2': empty() }, canRetry: false }, real: { store, wm: createWriteModel({ eventStore: store }), seq: 0 } }), program);
      }),
      { numRuns: 100 },
    );
  });
});
