import * as E from 'fp-ts/lib/Either.js';
import { FEED_START, type Currency, type EventEnvelope, type EventStore } from '@strata/events';
import { createMemoryEventStore, createWriteModel, type CommandContext, type WriteModel } from '@strata/write-model';
import { taskStates, workflowDefinitions } from '../asl/definitions.js';
import { holdExpired, type ExpiredHold } from '../domain/saga.js';
import { createNotificationConsumer, customerFromWriteModel, notifyBatch } from '../notifications/consumer.js';
import type { Notifier } from '../notifications/port.js';
import type { PaymentProvider } from '../provider/port.js';
import { createHttpPaymentProvider } from '../provider/provider.http.js';
import { startSimulatedProvider, type SimulatedProvider, type SimulatedProviderConfig } from '../provider/provider.simulated.js';
import { createLocalBus } from '../routing/localBus.js';
import { createSagaRunner, type SagaRunner, type SagaRunnerOptions } from '../saga/runner.js';

/**
 * The saga wired end to end for tests: memory event store → write model → change feed → local
 * bus (the shared routing rules) → aws-local-stepfunctions running the ASL documents → HTTP
 * adapter → simulated provider on a loopback port; notifications from the same feed when a
 * notifier is given. Retries are shortened; nothing else. The hold-expiry sweep finds expired
 * holds on the payment streams of the orders placed here (the runtime asks its read model).
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
  /** Runs one hold-expiry sweep at the harness's clock and settles what follows. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/** Instruments for the cost model's measurements (bench/cost): what the store, provider and runner see. */
export interface HarnessOptions {
  readonly wrapStore?: (store: EventStore) => EventStore;
  readonly wrapProvider?: (provider: PaymentProvider) => PaymentProvider;
  readonly taskWrapper?: SagaRunnerOptions['taskWrapper'];
  readonly onStateEvent?: SagaRunnerOptions['onStateEvent'];
  /** Receives the saga dead letters the documents' `RecordFailure` states send. */
  readonly onDeadLetter?: SagaRunnerOptions['onDeadLetter'];
  /** Feeds notifications from the change feed, as the runtime does. */
  readonly notifier?: Notifier;
  /** Called with every page of the change feed, before it is routed. */
  readonly onFeed?: (events: readonly EventEnvelope[]) => void;
}

export const createSagaHarness = async (
  provider: SimulatedProviderConfig = {},
  client: { maxAttempts?: number; timeoutMs?: number } = {},
  options: HarnessOptions = {},
): Promise<SagaHarness> => {
  const store = createMemoryEventStore();
  const writeModel = createWriteModel({ eventStore: options.wrapStore ? options.wrapStore(store) : store });
  const sim = await startSimulatedProvider(provider);
  const clock = { now: new Date().toISOString() };
  const bus = createLocalBus({ retryDelayMs: 1 });
  const placed: string[] = [];
  // The stand-in for the read model's payments table: reads the store directly (not instrumented).
  const readSide = createWriteModel({ eventStore: store });
  const http = createHttpPaymentProvider({ baseUrl: sim.url, backoffMs: 1, maxAttempts: client.maxAttempts ?? 2, timeoutMs: client.timeoutMs ?? 2000 });
  const expiredHolds = async (now: string, limit: number): Promise<ExpiredHold[]> => {
    const holds: ExpiredHold[] = [];
    for (const orderId of placed) {
      if (holds.length >= limit) break;
      const { state } = await readSide.loadPayment(orderId);
      if (holdExpired(state, now)) holds.push({ paymentId: orderId, orderId });
    }
    return holds;
  };
  const runner = createSagaRunner({
    writeModel,
    provider: options.wrapProvider ? options.wrapProvider(http) : http,
    clock: () => clock.now,
    expiredHolds,
    retryIntervalOverrides: Object.fromEntries(TASK_STATES.map((s) => [s, 1])),
    ...(options.taskWrapper ? { taskWrapper: options.taskWrapper } : {}),
    ...(options.onStateEvent ? { onStateEvent: options.onStateEvent } : {}),
    ...(options.onDeadLetter ? { onDeadLetter: options.onDeadLetter } : {}),
  });
  runner.subscribe(bus);
  const notify = options.notifier === undefined ? undefined : createNotificationConsumer({ notifier: options.notifier, customerOf: customerFromWriteModel(writeModel) });
  let counter = 0;
  let position = FEED_START;
  const ctx = (label: string): CommandContext => ({
    commandId: `${label}-${++counter}`,
    actor: { kind: 'user', id: 'tester', roles: ['admin'] },
    correlationId: `corr-${label}`,
    now: clock.now,
  });
  const harness: SagaHarness = {
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
        if (page.events.length > 0) {
          options.onFeed?.(page.events);
          await bus.publish(page.events);
          if (notify !== undefined && (await notifyBatch(page.events, notify)) !== undefined) throw new Error('a notification failed');
        }
        const running = runner.executions().some((e) => e.status === 'running');
        if (page.events.length === 0 && !running) return;
        await runner.settled();
      }
    },
    ctx,
    async placeOrder(orderId, unitPrice, currency = 'USD') {
      const result = await writeModel.placeOrder(
        {
          orderId,
          customerId: 'c1',
          currency,
          items: [{ productId: 'p1', productName: 'Widget', quantity: 2, unitPrice }],
          shippingAddress: { street: '1 Main St', city: 'Springfield', zipCode: '12345', country: 'US' },
        },
        ctx('place'),
      );
      if (E.isLeft(result)) throw new Error(`placeOrder: ${result.left.message}`);
      placed.push(orderId);
    },
    async sweep() {
      await runner.sweep().done;
      await harness.settle();
    },
    async close() {
      runner.stop();
      await sim.close();
      await store.close();
    },
  };
  return harness;
};

/** Every Task state of the three documents: their retries wait 1 ms in tests. */
const TASK_STATES = Object.values(workflowDefinitions).flatMap((doc) => taskStates(doc).map(([name]) => name));

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
