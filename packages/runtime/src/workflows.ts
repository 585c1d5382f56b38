/**
 * The local side-effect half of the engine, fed only from the change feed (never from the command
 * path): the in-process bus (EventBridge's rules) starting the payment saga on
 * aws-local-stepfunctions, the payment provider (simulated unless STRATA_PROVIDER_URL is set),
 * customer notifications (read from the same feed, as the notification Lambda reads the table's
 * stream on AWS) and the hold-expiry sweep on a timer (an hourly schedule on AWS).
 */
import type { DomainEnvelope, EventEnvelope } from '@strata/events';
import type { WriteModel } from '@strata/write-model';
import { join, resolve } from 'node:path';
import { createHttpPaymentProvider, createLocalBus, createNotificationConsumer, customerFromWriteModel, dedupBy, notifyWithRetries, type ExpiredHold } from '@strata/workflows';
import { createOutboxNotifier } from '@strata/workflows/notifications/notifier.outbox';
import type { Notifier } from '@strata/workflows/notifications/port';
import { startSimulatedProvider, type SimulatedProvider } from '@strata/workflows/provider/provider.simulated';
import { recoverSagas } from '@strata/workflows/saga/recover';
import { createSagaRunner, type SagaRunner } from '@strata/workflows/saga/runner';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Instruments } from './telemetry/instrument.js';

export interface Workflows {
  readonly describe: readonly string[];
  /** Routes committed events to the saga and notifies customers (at least once). */
  publish(events: readonly DomainEnvelope[]): Promise<void>;
  /** Recovers interrupted sagas, sweeps expired holds once, then every `holdSweepSeconds`. */
  start(): Promise<void>;
  /** Stops the sweep timer (its lease moved to another process); `start` may run again later. */
  stopSweeps(): void;
  /** Resolves when the executions running now have ended (tests). */
  settled(): Promise<void>;
  readonly saga?: SagaRunner;
  close(): Promise<void>;
}

export interface WorkflowsDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly writeModel: WriteModel;
  readonly enabled: boolean;
  /** Orders whose payment is not settled (from the relational read model): sagas to recover on start. */
  readonly unsettledOrders: () => Promise<readonly string[]>;
  /** Authorized holds past their expiry (the relational read model's payments): the sweep's source. */
  readonly expiredHolds?: (now: string, limit: number) => Promise<readonly ExpiredHold[]>;
  /** Where notifications go: the outbox table on a shared database, else the outbox folder. */
  readonly notifier?: { readonly notifier: Notifier; readonly describe: string };
  /** Spans and counters of the saga, its steps, the provider and dead letters (issue 17). */
  readonly instruments?: Instruments;
}


export const createWorkflows = async (o: WorkflowsDeps): Promise<Workflows> => {
  if (!o.enabled) {
    return { describe: [], publish: async () => undefined, start: async () => undefined, stopSweeps: () => undefined, settled: async () => undefined, close: async () => undefined };
  }
  let simulated: SimulatedProvider | undefined;
  if (o.config.providerUrl === undefined) simulated = await startSimulatedProvider({ port: 0 });
  const providerUrl = o.config.providerUrl ?? simulated!.url;
  const obs = o.instruments;
  const provider = obs ? obs.provider(createHttpPaymentProvider({ baseUrl: providerUrl })) : createHttpPaymentProvider({ baseUrl: providerUrl });
  const log = o.logger.child({ component: 'saga' });
  const saga = createSagaRunner({
    writeModel: o.writeModel,
    provider,
    ...(o.expiredHolds === undefined ? {} : { expiredHolds: o.expiredHolds }),
    ...(obs ? { taskWrapper: obs.saga.taskWrapper } : {}),
    onExecutionEnd: (r) => {
      obs?.saga.ended(r);
      if (r.status === 'failed') log.warn('saga execution failed; the next `strata start` resumes or compensates it (saga recovery; every step is idempotent)', { execution: r.name, error: r.error });
      else log.debug('saga execution ended', { execution: r.name, status: r.status });
    },
  });
  const bus = createLocalBus({
    onDeadLetter: (d) => {
      obs?.deadLetter('bus');
      log.error('bus delivery dead-lettered', { target: d.target, eventId: d.event.detail.eventId, err: d.error });
    },
  });
  saga.subscribe(obs ? obs.bus(bus) : bus);

  // Notifications read the feed itself (no bus rule): one outbox file per notified event.
  const outbox = o.notifier ?? { notifier: createOutboxNotifier(join(resolve(o.config.dataDir), 'outbox')), describe: `outbox folder ${join(o.config.dataDir, 'outbox')}` };
  const consume = createNotificationConsumer({ notifier: outbox.notifier, customerOf: customerFromWriteModel(o.writeModel) });
  const notifyOnce = dedupBy((e: EventEnvelope) => e.eventId, async (e: EventEnvelope) => void (await consume(e)));
  const notify = (events: readonly DomainEnvelope[]): Promise<void> =>
    notifyWithRetries(events, notifyOnce, {
      onDead: (e, err) => {
        obs?.deadLetter('notification');
        log.error('notification dead-lettered', { eventId: e.eventId, type: e.type, err });
      },
    });

  let sweepTimer: NodeJS.Timeout | undefined;
  const sweep = () => {
    if (o.expiredHolds === undefined) return;
    void saga.sweep().done.then((r) => (r.status === 'failed' ? undefined : log.debug('hold-expiry sweep ended', { output: r.output })));
  };

  return {
    describe: [
      `payments: ${o.config.providerUrl ? `provider at ${o.config.providerUrl}` : `simulated provider at ${providerUrl}`}; saga on aws-local-stepfunctions`,
      `notifications: ${outbox.describe}`,
      ...(o.expiredHolds === undefined ? [] : [`hold expiry: a sweep every ${o.config.holdSweepSeconds} s`]),
    ],
    saga,
    publish: async (events) => {
      await Promise.all([bus.publish(events), notify(events)]);
    },
    // A crash may have interrupted sagas: resume or compensate them (every step is idempotent);
    // a hold that expired while the process was down is voided by the first sweep.
    async start() {
      const orders = await o.unsettledOrders();
      if (orders.length > 0) {
        const recovered = await recoverSagas(orders, { writeModel: o.writeModel, runner: saga });
        const acted = recovered.filter((r) => r.action.kind !== 'none');
        if (acted.length > 0) log.info('recovered sagas interrupted by a restart', { count: acted.length, orders: acted.map((r) => r.orderId) });
      }
      sweep();
      if (sweepTimer !== undefined) clearInterval(sweepTimer);
      sweepTimer = setInterval(sweep, o.config.holdSweepSeconds * 1000);
      sweepTimer.unref();
    },
    stopSweeps() {
      if (sweepTimer !== undefined) clearInterval(sweepTimer);
      sweepTimer = undefined;
    },
    settled: () => saga.settled(),
    async close() {
      if (sweepTimer !== undefined) clearInterval(sweepTimer);
      saga.stop();
      await simulated?.close();
    },
  };
};
