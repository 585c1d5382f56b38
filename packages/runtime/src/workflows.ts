/**
 * The local side-effect half of the engine: the in-process bus (EventBridge's rules), the payment
 * saga on aws-local-stepfunctions, the payment provider (simulated unless STRATA_PROVIDER_URL is
 * set) and customer notifications. Fed only from the change feed, never from the command path.
 */
import type { DomainEnvelope } from '@strata/events';
import type { WriteModel } from '@strata/write-model';
import { createHttpPaymentProvider } from '@strata/workflows/provider/provider.http';
import { startSimulatedProvider, type SimulatedProvider } from '@strata/workflows/provider/provider.simulated';
import { createLocalBus } from '@strata/workflows/routing/localBus';
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

export const createWorkflows = async (o: { config: Config; logger: Logger; writeModel: WriteModel; enabled: boolean }): Promise<Workflows> => {
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
  return {
    describe: [`payments: ${o.config.providerUrl ? `provider at ${o.config.providerUrl}` : `simulated provider at ${providerUrl}`}; saga on aws-local-stepfunctions`],
    saga,
    publish: (events) => bus.publish(events),
    start: async () => undefined,
    settled: () => saga.settled(),
    async close() {
      saga.stop();
      await simulated?.close();
    },
  };
};
