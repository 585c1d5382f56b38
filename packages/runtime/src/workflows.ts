/**
 * The local side-effect half of the engine: the in-process bus (EventBridge's rules), the payment
 * saga on aws-local-stepfunctions, the payment provider (simulated unless STRATA_PROVIDER_URL is
 * set) and customer notifications. Fed only from the change feed, never from the command path.
 */
import type { DomainEnvelope } from '@strata/events';
import type { WriteModel } from '@strata/write-model';
import { join, resolve } from 'node:path';
import { createHttpPaymentProvider, createLocalBus, createNotificationConsumer, dedupByEventId } from '@strata/workflows';
import { createOutboxNotifier } from '@strata/workflows/notifications/notifier.outbox';
import { startSimulatedProvider, type SimulatedProvider } from '@strata/workflows/provider/provider.simulated';
import { recoverSagas } from '@strata/workflows/saga/recover';
import { createSagaRunner, type SagaRunner } from '@strata/workflows/saga/runner';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export interface Workflows {
  readonly describe: readonly string[];
  /** Routes committed events to the saga and notifications (at least once). */
  publish(events: readonly DomainEnvelope[]): Promise<void>;
  start(): Promise<void>;
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
}

export const createWorkflows = async (o: WorkflowsDeps): Promise<Workflows> => {
  if (!o.enabled) {
    return { describe: [], publish: async () => undefined, start: async () => undefined, settled: async () => undefined, close: async () => undefined };
  }
  let simulated: SimulatedProvider | undefined;
  if (o.config.providerUrl === undefined) simulated = await startSimulatedProvider({ port: 0 });
  const providerUrl = o.config.providerUrl ?? simulated!.url;
  const provider = createHttpPaymentProvider({ baseUrl: providerUrl });
  const log = o.logger.child({ component: 'saga' });
  const saga = createSagaRunner({
    writeModel: o.writeModel,
    provider,
    onExecutionEnd: (r) =>
      r.status === 'failed'
        ? log.warn('saga execution failed; retry with the operator command', { execution: r.name, error: r.error })
        : log.debug('saga execution ended', { execution: r.name, status: r.status }),
  });
  const bus = createLocalBus({
    onDeadLetter: (d) => log.error('bus delivery dead-lettered', { target: d.target, eventId: d.event.detail.eventId, err: d.error }),
  });
  saga.subscribe(bus);
  const outbox = join(resolve(o.config.dataDir), 'outbox');
  bus.subscribe('CustomerNotifications', dedupByEventId(createNotificationConsumer({ notifier: createOutboxNotifier(outbox), writeModel: o.writeModel })));
  return {
    describe: [
      `payments: ${o.config.providerUrl ? `provider at ${o.config.providerUrl}` : `simulated provider at ${providerUrl}`}; saga on aws-local-stepfunctions`,
      `notifications: outbox folder ${join(o.config.dataDir, 'outbox')}`,
    ],
    saga,
    publish: (events) => bus.publish(events),
    // A crash may have interrupted sagas: resume or compensate them (every step is idempotent).
    async start() {
      const orders = await o.unsettledOrders();
      if (orders.length === 0) return;
      const recovered = await recoverSagas(orders, { writeModel: o.writeModel, runner: saga });
      const acted = recovered.filter((r) => r.action.kind !== 'none');
      if (acted.length > 0) log.info('recovered sagas interrupted by a restart', { count: acted.length, orders: acted.map((r) => r.orderId) });
    },
    settled: () => saga.settled(),
    async close() {
      saga.stop();
      await simulated?.close();
    },
  };
};
