import * as E from 'fp-ts/lib/Either.js';
import { FEED_START, type Currency } from '@strata/events';
import { createMemoryEventStore, createWriteModel, type CommandContext, type WriteModel } from '@strata/write-model';
import { workflowDefinitions } from '../asl/definitions.js';
import { createHttpPaymentProvider } from '../provider/provider.http.js';
import { startSimulatedProvider, type SimulatedProvider, type SimulatedProviderConfig } from '../provider/provider.simulated.js';
import { createLocalBus } from '../routing/localBus.js';
import { createSagaRunner, type SagaRunner } from '../saga/runner.js';

/**
 * The saga wired end to end for tests: memory event store → write model → change feed → local
 * bus (the shared routing rules) → aws-local-stepfunctions running the ASL documents → HTTP
 * adapter → simulated provider on a loopback port. Retries and waits are shortened; nothing else.
 */
export interface SagaHarness {
  readonly writeModel: WriteModel;
  readonly sim: SimulatedProvider;
  readonly runner: SagaRunner;
  /** The clock the saga steps see (ISO); tests move it to make holds expire. */
  now: string;
  /** Publishes new events from the change feed and waits for the executions they start, until quiet. */
  settle(): Promise<void>;
  /** A command context for a user action (a distinct command id per call). */
  ctx(label: string): CommandContext;
  placeOrder(orderId: string, unitPrice: number, currency?: Currency): Promise<void>;
  close(): Promise<void>;
}

export const createSagaHarness = async (provider: SimulatedProviderConfig = {}, client: { maxAttempts?: number; timeoutMs?: number } = {}): Promise<SagaHarness> => {
  const store = createMemoryEventStore();
  const writeModel = createWriteModel({ eventStore: store });
  const sim = await startSimulatedProvider(provider);
  const clock = { now: new Date().toISOString() };
  const bus = createLocalBus({ retryDelayMs: 1 });
  const runner = createSagaRunner({
    writeModel,
    provider: createHttpPaymentProvider({ baseUrl: sim.url, backoffMs: 1, maxAttempts: client.maxAttempts ?? 2, timeoutMs: client.timeoutMs ?? 2000 }),
    clock: () => clock.now,
    waitTimeOverrides: { WaitForExpiry: 0 },
    retryIntervalOverrides: Object.fromEntries(TASK_STATES.map((s) => [s, 1])),
  });
  runner.subscribe(bus);
  let counter = 0;
  let position = FEED_START;
  const ctx = (label: string): CommandContext => ({
    commandId: `${label}-${++counter}`,
    actor: { kind: 'user', id: 'tester', roles: ['admin'] },
    correlationId: `corr-${label}`,
    now: clock.now,
  });
  return {
    writeModel,
    sim,
    runner,
    get now() {
      return clock.now;
    },
    set now(value: string) {
      clock.now = value;
    },
    async settle() {
      for (;;) {
        const page = await store.readFeed(position, 1000);
        position = page.next;
        if (page.events.length > 0) await bus.publish(page.events);
        const running = runner.executions().some((e) => e.status === 'running');
        if (page.events.length === 0 && !running) return;
        await runner.settled();
      }
    },
    ctx,
    async placeOrder(orderId, unitPrice, currency = 'USD') {
      const placed = await writeModel.placeOrder(
        {
          orderId,
          customerId: 'c1',
          currency,
          items: [{ productId: 'p1', productName: 'Widget', quantity: 2, unitPrice }],
          shippingAddress: { street: '1 Main St', city: 'Springfield', zipCode: '12345', country: 'US' },
        },
        ctx('place'),
      );
      if (E.isLeft(placed)) throw new Error(`placeOrder: ${placed.left.message}`);
    },
    async close() {
      runner.stop();
      await sim.close();
      await store.close();
    },
  };
};

/** Every Task state of the three documents: their retries wait 1 ms in tests. */
const TASK_STATES = Object.values(workflowDefinitions).flatMap((doc) =>
  Object.entries(doc.States)
    .filter(([, state]) => (state as { Type?: string }).Type === 'Task')
    .map(([name]) => name),
);

/** The order/payment pairs a finished saga may leave; anything else is an inconsistency. */
const CONSISTENT: Readonly<Record<string, readonly string[]>> = {
  none: ['none'],
  placed: ['none', 'requested'], // only while a saga runs or after it failed for an operator
  confirmed: ['authorized'],
  shipped: ['authorized'],
  delivered: ['captured', 'refunded'],
  cancelled: ['none', 'declined', 'voided', 'refunded'],
};

/** Loads an order and its payment and says whether the pair is one a finished saga may leave. */
export const orderPaymentPair = async (writeModel: WriteModel, orderId: string) => {
  const order = (await writeModel.loadOrder(orderId)).state;
  const payment = (await writeModel.loadPayment(orderId)).state;
  return { order, payment, consistent: CONSISTENT[order.status]?.includes(payment.status) ?? false };
};
