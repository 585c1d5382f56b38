/**
 * What one order costs in billable units, MEASURED on the code: each path runs end to end through
 * the saga harness — the write model, the ASL documents on aws-local-stepfunctions with the real
 * step handlers, the HTTP provider client against the simulated provider, the shared routing
 * rules, notifications from the change feed — and every request the AWS deployment would bill is
 * recorded where it happens:
 *
 * - DynamoDB: the event store is wrapped to replay the DynamoDB adapter's own request pattern
 *   (`trustExpectedHash: true`, as the runtime configures it): a stream load is one strongly
 *   consistent Query of the stream's commit items (1 read unit per started 4 KB), an append with
 *   an expected hash or `no-stream` is one PutItem of the commit item (`compact(toItem(…))`, 1 write
 *   unit per started 1 KB), any other append reads the stream first. `dynamodb.int.test.ts` checks
 *   this replay against DynamoDB Local's ConsumedCapacity.
 * - Lambda: the API commands the path sends; one step invocation per Task attempt (the runner's
 *   `taskWrapper`), with the DynamoDB requests and provider HTTP requests made inside it.
 * - Step Functions: executions, their states entered and retries (the runner's state events).
 * - EventBridge: the events the publisher puts on the bus (`isRouted`) and their size.
 * - Firehose: the lake rows of the committed events (`toLakeRecord`), in bytes.
 * - Notifications: the events the notification consumer tells a customer about.
 *
 * Durations are not measured (this machine is not Lambda): the model prices them from these
 * counts and the assumptions in `model.ts`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { decodeEnvelope, type EventEnvelope, type EventStore } from '@strata/events';
import { createWriteModel, type CommandContext, type CommandResult, type WriteModel } from '@strata/write-model';
import { compact, itemSize, toItem, writeUnits } from '@strata/write-model/dynamodb';
import { toLakeRecord } from '@strata/projections/lake.firehose';
import { HTTP_PROVIDER_DEFAULTS, busEnvelope, isRouted, toPutEventsEntry, workflowDefinitions, type Notifier, type PaymentProvider, type WorkflowName } from '@strata/workflows';
import type { SimulatedProviderConfig } from '@strata/workflows/provider/provider.simulated';
import { createSagaHarness, type SagaHarness } from '@strata/workflows/testing/sagaHarness';

/** Who made a request: the API Lambda, a step Lambda invocation, or a stream consumer. */
type Actor = { readonly kind: 'api'; readonly command: string } | { readonly kind: 'task'; readonly attempt: TaskAttempt } | { readonly kind: 'stream' };

export interface DynamoRequest {
  readonly op: 'query' | 'put';
  readonly by: 'api' | 'task' | 'stream';
  /** Read units (strongly consistent) or write units. */
  readonly units: number;
  readonly bytes: number;
}

export interface TaskAttempt {
  readonly execution: string;
  readonly workflow: WorkflowName;
  readonly state: string;
  dynamoRequests: number;
  /** Provider HTTP requests by operation (a 5xx answer and its client retries included). */
  readonly providerRequests: { authorize: number; capture: number; void: number; refund: number };
  failed: boolean;
}

export interface ExecutionMeasure {
  readonly name: string;
  readonly workflow: WorkflowName;
  readonly status: string;
  statesEntered: number;
  /** ASL retries: `[state, attempt number that was retried (1 = first retry)]`. */
  readonly retries: Array<{ readonly state: string; readonly retry: number }>;
  /** Bytes of the execution's state events (what Express logs at level ALL with execution data). */
  logBytes: number;
  /** Bytes of its failure events only (level ERROR: failed tasks, retries, catches, Fail states entered). */
  errorLogBytes: number;
}

export interface CommitMeasure {
  readonly streamId: string;
  readonly events: number;
  readonly types: readonly string[];
  readonly itemBytes: number;
  readonly writeUnits: number;
  /** Order lines in it (the naive layout writes an item per line). */
  readonly lines: number;
  /** Bytes of each event as its own JSON envelope (the naive layout's item per event). */
  readonly eventBytes: readonly number[];
}

export interface PathMeasure {
  readonly path: string;
  readonly description: string;
  /** API commands (one API Lambda invocation and one API Gateway request each). */
  readonly apiCommands: readonly string[];
  readonly dynamo: readonly DynamoRequest[];
  readonly commits: readonly CommitMeasure[];
  readonly tasks: readonly TaskAttempt[];
  readonly executions: readonly ExecutionMeasure[];
  /** PutEvents entries the publisher sends (bytes of Source + DetailType + Detail). */
  readonly routedEventBytes: readonly number[];
  /** Every committed event as a PutEvents entry (the naive layout publishes them all). */
  readonly allEventBytes: readonly number[];
  readonly notifications: number;
  /** Lake rows (JSON lines) of the committed events, in bytes. */
  readonly lakeRowBytes: readonly number[];
  /** The order's final state, for the reader. */
  readonly outcome: { readonly order: string; readonly payment: string };
}

/** State events logged at level ERROR, and the documents' Fail states (entering one is logged too). */
const FAILURE_EVENTS = new Set(['StateFailed', 'StateRetried', 'StateCaught', 'ExecutionFailed', 'MapIterationFailed', 'ParallelBranchFailed']);
const FAIL_STATES = new Set(
  Object.values(workflowDefinitions).flatMap((doc) => {
    const fails = (states: Record<string, unknown>): string[] =>
      Object.entries(states).flatMap(([name, st]) => {
        const s = st as { Type?: string; ItemProcessor?: { States: Record<string, unknown> } };
        return s.Type === 'Fail' ? [name] : s.ItemProcessor ? fails(s.ItemProcessor.States) : [];
      });
    return fails(doc.States as Record<string, unknown>);
  }),
);

const sumBy = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((a, x) => a + f(x), 0);

/** The commit items of a stream's events (consecutive events of one command form one commit). */
const commitsOf = (events: readonly EventEnvelope[]): EventEnvelope[][] => {
  const commits: EventEnvelope[][] = [];
  for (const e of events) {
    const last = commits.at(-1);
    if (last !== undefined && last[0]!.commandId === e.commandId && last[0]!.streamId === e.streamId) last.push(e);
    else commits.push([e]);
  }
  return commits;
};
const itemBytes = (commit: readonly EventEnvelope[]): number => itemSize(compact(toItem(commit)));

/** A strongly consistent Query: one read unit per started 4 KB of the items read, at least one. */
export const queryReadUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 4096));

const seedOrder = (orderId: string, customerId: string) => ({
  orderId,
  customerId,
  currency: 'EUR' as const,
  // The seed's order: two lines, a German address (docs/decisions/0001: an 805-byte commit item).
  items: [
    { productId: 'NEWPROD001', productName: 'Fresh Product', quantity: 2, unitPrice: 2500 },
    { productId: 'NEWPROD002', productName: 'Another Item', quantity: 1, unitPrice: 4950 },
  ],
  shippingAddress: { street: '789 New Deploy Ave', city: 'CloudNine', zipCode: '11223', country: 'DE' },
});

interface Path {
  readonly description: string;
  readonly provider: (orderId: string) => SimulatedProviderConfig;
  readonly run: (o: { readonly s: SagaHarness; readonly orderId: string; readonly api: (command: string, run: (ctx: CommandContext) => Promise<CommandResult>) => Promise<void> }) => Promise<void>;
}

/** The paths of one order priced by the model: the happy path and the main failure paths. */
export const PATHS: Readonly<Record<string, Path>> = {
  happy: {
    description: 'placed, authorized and confirmed; shipped, delivered, captured',
    provider: () => ({}),
    async run({ s, orderId, api }) {
      await s.settle();
      await api('ship', (ctx) => s.writeModel.shipOrder({ orderId, carrier: 'DHL', trackingNumber: 'JJD000390007' }, ctx));
      await api('deliver', (ctx) => s.writeModel.deliverOrder({ orderId }, ctx));
      await s.settle();
    },
  },
  decline: {
    description: 'placed; the provider declines; the order is cancelled with the reason',
    provider: (orderId) => ({ rules: [{ paymentIdPrefix: orderId, decline: 'insufficient funds' }] }),
    async run({ s }) {
      await s.settle();
    },
  },
  cancelled: {
    description: 'placed, authorized and confirmed; cancelled by the customer; the hold is voided',
    provider: () => ({}),
    async run({ s, orderId, api }) {
      await s.settle();
      await api('cancel', (ctx) => s.writeModel.cancelOrder({ orderId, reason: 'changed my mind' }, ctx));
      await s.settle();
    },
  },
  transient: {
    description: 'the happy path whose authorization the provider failed (5xx) for two whole Task attempts (the client retrying each) before it succeeded',
    // The client tries maxAttempts times per Task attempt: two ASL retries.
    provider: (orderId) => ({ rules: [{ paymentIdPrefix: orderId, failFirstAttempts: 2 * HTTP_PROVIDER_DEFAULTS.maxAttempts, operations: ['authorize'] }] }),
    async run({ s, orderId, api }) {
      await s.settle();
      await api('ship', (ctx) => s.writeModel.shipOrder({ orderId, carrier: 'DHL', trackingNumber: 'JJD000390007' }, ctx));
      await api('deliver', (ctx) => s.writeModel.deliverOrder({ orderId }, ctx));
      await s.settle();
    },
  },
};

/** Runs one path of one order and records what it would bill. */
export const measurePath = async (path: string, wrapStore?: (store: EventStore) => EventStore): Promise<PathMeasure> => {
  const spec = PATHS[path];
  if (spec === undefined) throw new Error(`unknown path ${path}`);
  const orderId = randomUUID();
  const actor = new AsyncLocalStorage<Actor>();
  const by = (): DynamoRequest['by'] => actor.getStore()?.kind ?? 'stream';
  const dynamo: DynamoRequest[] = [];
  const tasks: TaskAttempt[] = [];
  const states = new Map<string, ExecutionMeasure>();
  const feed: EventEnvelope[] = [];
  let notifications = 0;
  const apiCommands: string[] = [];
  const inTask = () => {
    const a = actor.getStore();
    return a?.kind === 'task' ? a.attempt : undefined;
  };
  const record = (r: DynamoRequest) => {
    dynamo.push(r);
    const t = inTask();
    if (t !== undefined) t.dynamoRequests++;
  };

  // The DynamoDB adapter's requests, replayed on the memory store (see the header).
  let raw: EventStore | undefined;
  const meter = (store: EventStore): EventStore => {
    raw = store;
    const inner = wrapStore ? wrapStore(store) : store;
    const query = async (streamId: string) => {
      const { events } = await store.readStream(streamId);
      const bytes = sumBy(commitsOf(events), itemBytes);
      record({ op: 'query', by: by(), units: queryReadUnits(bytes), bytes });
    };
    return {
      ...inner,
      async readStream(streamId, opts) {
        const slice = await inner.readStream(streamId, opts);
        const bytes = sumBy(commitsOf(slice.events), itemBytes);
        record({ op: 'query', by: by(), units: queryReadUnits(bytes), bytes });
        return slice;
      },
      async append(request) {
        const trusted = request.expected.kind === 'no-stream' || (request.expected.kind === 'exact' && request.expected.hash !== undefined);
        if (!trusted) await query(request.streamId);
        const result = await inner.append(request);
        const bytes = itemBytes(result.events);
        record({ op: 'put', by: by(), units: writeUnits(bytes), bytes });
        return result;
      },
    };
  };

  // The provider's own request counters (set once the harness has started it).
  const simulated: { sim?: SagaHarness['sim'] } = {};
  const requestCount = () => (simulated.sim === undefined ? { authorize: 0, capture: 0, void: 0, refund: 0 } : { ...simulated.sim.requests });
  const countProvider = (provider: PaymentProvider): PaymentProvider => {
    const wrap =
      <A, R>(call: (a: A) => Promise<R>) =>
      async (a: A): Promise<R> => {
        const before = requestCount();
        try {
          return await call(a);
        } finally {
          const after = requestCount();
          const t = inTask();
          if (t !== undefined) for (const k of ['authorize', 'capture', 'void', 'refund'] as const) t.providerRequests[k] += after[k] - before[k];
        }
      };
    return { authorize: wrap(provider.authorize), capture: wrap(provider.capture), void: wrap(provider.void), refund: wrap(provider.refund) };
  };
  const notifier: Notifier = {
    async send() {
      notifications++;
      return { sent: true };
    },
  };

  const s = await createSagaHarness(spec.provider(orderId), { maxAttempts: HTTP_PROVIDER_DEFAULTS.maxAttempts }, {
    wrapStore: meter,
    wrapProvider: countProvider,
    notifier,
    onFeed: (events) => feed.push(...events),
    taskWrapper: (call, run) => {
      const attempt: TaskAttempt = { execution: call.execution, workflow: call.workflow, state: call.state, dynamoRequests: 0, providerRequests: { authorize: 0, capture: 0, void: 0, refund: 0 }, failed: false };
      tasks.push(attempt);
      return actor.run({ kind: 'task', attempt }, async () => {
        try {
          return await run();
        } catch (error) {
          attempt.failed = true;
          throw error;
        }
      });
    },
    onStateEvent: (execution, event) => {
      const m = states.get(execution) ?? { name: execution, workflow: execution.split(':')[0] as WorkflowName, status: '', statesEntered: 0, retries: [], logBytes: 0, errorLogBytes: 0 };
      states.set(execution, m);
      const bytes = JSON.stringify(event).length;
      m.logBytes += bytes;
      if (FAILURE_EVENTS.has(event.type) || (event.type === 'StateEntered' && FAIL_STATES.has(event.stateName ?? ''))) m.errorLogBytes += bytes;
      if (event.type === 'StateEntered') m.statesEntered++;
      if (event.type === 'StateRetried') m.retries.push({ state: event.stateName ?? '', retry: m.retries.filter((r) => r.state === event.stateName).length + 1 });
    },
  });
  simulated.sim = s.sim;
  try {
    const customer = { kind: 'user', id: randomUUID(), roles: ['customer'] } as const;
    const admin = { kind: 'user', id: randomUUID(), roles: ['admin'] } as const;
    const api = async (command: string, run: (ctx: CommandContext) => Promise<CommandResult>) => {
      apiCommands.push(command);
      const ctx: CommandContext = { commandId: randomUUID(), actor: ['ship', 'deliver'].includes(command) ? admin : customer, correlationId: randomUUID(), now: s.now };
      const result = await actor.run({ kind: 'api', command }, () => run(ctx));
      if (result._tag === 'Left') throw new Error(`${command}: ${result.left._tag}: ${result.left.message}`);
    };
    await api('place', (ctx) => s.writeModel.placeOrder(seedOrder(orderId, customer.id), ctx));
    await spec.run({ s, orderId, api });
    await s.settle();

    const decoded = feed.map((e) => {
      const d = decodeEnvelope(e);
      if (d._tag === 'Left') throw new Error(d.left.message);
      return d.right;
    });
    const entryBytes = (e: EventEnvelope) => {
      const entry = toPutEventsEntry(busEnvelope(e));
      return Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail);
    };
    const commits = commitsOf(feed).map((c): CommitMeasure => {
      const bytes = itemBytes(c);
      const lines = c.reduce((n, e) => n + (e.type === 'OrderPlaced' ? ((e.data as { items?: unknown[] }).items?.length ?? 0) : 0), 0);
      return { streamId: c[0]!.streamId, events: c.length, types: c.map((e) => e.type), itemBytes: bytes, writeUnits: writeUnits(bytes), lines, eventBytes: c.map((e) => Buffer.byteLength(JSON.stringify(e))) };
    });
    const executions = s.runner.executions().map((r): ExecutionMeasure => {
      const m = states.get(r.name) ?? { name: r.name, workflow: r.workflow, status: '', statesEntered: 0, retries: [], logBytes: 0, errorLogBytes: 0 };
      return { ...m, workflow: r.workflow, status: r.status };
    });
    // Read apart from the meter: checking the outcome is not part of the order's cost.
    const { order, payment } = await orderState(createWriteModel({ eventStore: raw! }), orderId);
    return {
      path,
      description: spec.description,
      apiCommands,
      dynamo,
      commits,
      tasks,
      executions,
      routedEventBytes: feed.filter((e) => isRouted(e)).map(entryBytes),
      allEventBytes: feed.map(entryBytes),
      notifications,
      lakeRowBytes: decoded.map((e) => Buffer.byteLength(`${JSON.stringify(toLakeRecord(e))}\n`)),
      outcome: { order, payment },
    };
  } finally {
    await s.close();
  }
};

const orderState = async (wm: WriteModel, orderId: string) => ({ order: (await wm.loadOrder(orderId)).state.status, payment: (await wm.loadPayment(orderId)).state.status });

/** Every path, one after the other (they share nothing). */
export const measureAll = async (): Promise<PathMeasure[]> => {
  const out: PathMeasure[] = [];
  for (const path of Object.keys(PATHS)) out.push(await measurePath(path));
  return out;
};
