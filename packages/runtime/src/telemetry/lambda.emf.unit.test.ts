import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createSqlReadModel } from '@strata/projections';
import { pgliteExecutor } from '@strata/projections/pglite';
import { createMemoryEventStore, createWriteModel } from '@strata/write-model';
import type { PaymentProvider } from '@strata/workflows';
import { createLogger } from '../logger.js';
import { METRICS_NAMESPACE, Metric } from '../names.js';
import { createPaymentStepHandler } from '../lambda/paymentStep.js';
import { createProjectorHandler } from '../lambda/projector.js';
import { createPublisherHandler, type EventBridgeClientLike } from '../lambda/publisher.js';
import { placedAndCancelledOrder } from '../lambda/testkit.js';
import { createInstruments } from './instrument.js';
import { createEmfRecorder } from './recorder.emf.js';
import type { Recorder } from './recorder.js';

/** One EMF line: the `_aws` block names the namespace, dimension set and metrics; values are top-level keys. */
interface EmfLine {
  readonly _aws: { readonly CloudWatchMetrics: ReadonlyArray<{ readonly Namespace: string; readonly Dimensions: readonly string[][]; readonly Metrics: ReadonlyArray<{ readonly Name: string; readonly Unit: string }> }> };
  readonly [key: string]: unknown;
}

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  // Powertools Metrics writes EMF straight to stdout (never through a logger).
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter((l) => l.trim() !== ''));
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
});
const emf = (): EmfLine[] => lines.map((l) => JSON.parse(l) as Partial<EmfLine>).filter((l): l is EmfLine => l._aws !== undefined);
/** `Name{Dim=value,…}` = value, for every metric of every EMF line. */
const points = (): Record<string, unknown> =>
  Object.fromEntries(
    emf().flatMap((line) =>
      line._aws.CloudWatchMetrics.flatMap((m) =>
        m.Metrics.map((metric) => {
          const dims = (m.Dimensions[0] ?? []).filter((d) => d !== 'service').map((d) => `${d}=${String(line[d])}`);
          return [`${metric.Name}{${dims.join(',')}}`, line[metric.Name]] as const;
        }),
      ),
    ),
  );

const cloudwatchNames = new Set(Object.values(Metric).map((m) => m.cloudwatch));

describe('Lambda entry points emit the shared metric names as CloudWatch EMF (Powertools Metrics)', () => {
  it('every Recorder counter is written under a name of the shared module, in the Strata namespace', () => {
    const recorder = createEmfRecorder();
    const every: { [K in keyof Recorder]: Parameters<Recorder[K]> } = {
      httpRequest: ['POST', '/orders', 201, 0.012],
      command: ['placeOrder', 'accepted'],
      eventsAppended: ['Order-1', 2],
      projectionPage: ['relational', 3],
      routedEvent: ['OrderPlaced'],
      sagaExecution: ['PaymentRequest', 'succeeded', 0.4],
      sagaStep: ['authorize', 'ok'],
      providerCall: ['authorize', 'declined'],
      deadLetters: ['projection', 1],
    };
    for (const [method, args] of Object.entries(every)) (recorder[method as keyof Recorder] as (...a: unknown[]) => void)(...args);
    recorder.flush();
    const written = emf().flatMap((l) => l._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name)));
    expect(new Set(written)).toEqual(cloudwatchNames);
    expect(new Set(emf().flatMap((l) => l._aws.CloudWatchMetrics.map((m) => m.Namespace)))).toEqual(new Set([METRICS_NAMESPACE]));
    // Each line's dimensions are the shared module's for that metric (plus Powertools' `service`).
    for (const line of emf())
      for (const m of line._aws.CloudWatchMetrics)
        for (const metric of m.Metrics) {
          const shared = Object.values(Metric).find((x) => x.cloudwatch === metric.Name)!;
          expect(m.Dimensions[0]).toEqual(['service', ...shared.dimensions]);
        }
    expect(points()).toMatchObject({ 'HttpRequests{Route=/orders,Status=2xx}': 1, 'ProviderCalls{Operation=authorize,Outcome=declined}': 1 });
  });

  it('the payment step entry: the step, the provider call and the commands it appended', async () => {
    const recorder = createEmfRecorder();
    const obs = createInstruments(recorder, false);
    const provider: PaymentProvider = {
      authorize: async () => ({ outcome: 'declined', reason: 'card declined' }),
      capture: async () => Promise.reject(new Error('unused')),
      void: async () => Promise.reject(new Error('unused')),
      refund: async () => Promise.reject(new Error('unused')),
    };
    const handler = createPaymentStepHandler(async () => ({ writeModel: obs.writeModel(createWriteModel({ eventStore: createMemoryEventStore() })), provider: obs.provider(provider) }), recorder);
    const input = { paymentId: 'pay-emf', orderId: 'o-emf', customerId: 'c1', amount: { amount: 1000, currency: 'EUR' }, correlationId: 'req-1', causationId: 'evt-1' };
    await handler({ step: 'authorize', input });
    expect(points()).toMatchObject({
      'SagaSteps{Step=authorize,Outcome=ok}': 1,
      'ProviderCalls{Operation=authorize,Outcome=declined}': 1,
      'Commands{Command=declinePayment,Outcome=accepted}': 1,
    });
  });

  it('the publisher entry: each event put on the bus', async () => {
    const { records } = await placedAndCancelledOrder('o-emf-pub');
    const client: EventBridgeClientLike = {
      send: async (command: PutEventsCommand) => ({ FailedEntryCount: 0, Entries: (command.input.Entries ?? []).map((_, i) => ({ EventId: `e${i}` })) }),
    };
    const handler = createPublisherHandler({ client, eventBusName: 'strata-events', logger: createLogger('silent'), backoffMs: 0, metrics: createEmfRecorder() });
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(points()).toMatchObject({ 'RoutedEvents{Type=OrderPlaced}': 1, 'RoutedEvents{Type=OrderCancelled}': 1 });
  });

  it('the projector entry: pages and events applied per projection, flushed after the batch', async () => {
    const lite = await PGlite.create();
    try {
      const readModel = createSqlReadModel({ db: pgliteExecutor(lite) });
      await readModel.migrate();
      const recorder = createEmfRecorder();
      const obs = createInstruments(recorder, false);
      const { records } = await placedAndCancelledOrder('o-emf-proj');
      const handler = createProjectorHandler(async () => ({
        sinks: [obs.sink(readModel.sink)],
        deadLetters: obs.deadLetters(readModel.deadLetters),
        logger: createLogger('silent'),
        flush: async () => recorder.flush(),
      }));
      expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
      expect(points()).toMatchObject({ 'ProjectionPages{Projection=relational}': expect.any(Number), 'ProjectionEvents{Projection=relational}': expect.any(Number) });
    } finally {
      await lite.close();
    }
    // An embedded database starts and migrates here: seconds on a busy machine.
  }, 60_000);
});
