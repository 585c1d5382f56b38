/**
 * The engine's spans and counters, as wrappers around its ports — never inside the domain core
 * (issue 17, decision 0011). Each wrapper counts through a `Recorder` always, and traces only when
 * tracing is on; when it is off they add no span, no context and no allocation beyond the counter.
 *
 * One trace per order: the HTTP request's span is the parent of the command (load, decide,
 * append); the append writes its span's W3C `traceparent` into the commit's metadata; every
 * consumer of the change feed (a projection page, the bus delivering an event to the saga)
 * continues that trace from the event, and the saga's steps, provider calls and the commands they
 * append (with their own `traceparent`) stay in it.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '@strata/api';
import type { AppendRequest, DomainEnvelope, EventEnvelope, EventStore } from '@strata/events';
import type { DeadLetterStore, ProjectionSink } from '@strata/projections';
import type { WriteModel } from '@strata/write-model';
import type { PaymentProvider } from '@strata/workflows';
import type { BusHandler, LocalBus } from '@strata/workflows/routing/localBus';
import type { ExecutionRecord, TaskCall } from '@strata/workflows/saga/runner';
import { streamCategory, type CommandOutcome, type DeadLetterSource, type ProviderOutcome, type Recorder } from './recorder.js';

const TRACER = 'strata';
const tracer = (): Tracer => trace.getTracer(TRACER);

/** Ends `span` after `run`, marking it failed when `run` throws (the error is rethrown). */
const inSpan = async <T>(span: Span, run: () => Promise<T>, failed?: (value: T) => boolean): Promise<T> => {
  try {
    const value = await run();
    if (failed?.(value)) span.setStatus({ code: SpanStatusCode.ERROR });
    return value;
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
    throw error;
  } finally {
    span.end();
  }
};

/** The span context a stored `traceparent` names (undefined when absent or malformed). */

/** Write-model methods counted under the command they decide (dashboards and alarms keep one name). */
const COMMAND_OF_METHOD: Readonly<Record<string, string>> = { placeOrderAtCataloguePrices: 'placeOrder' };
export const spanContextOf = (traceparent: string | undefined): SpanContext | undefined => {
  if (traceparent === undefined) return undefined;
  const extracted = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }));
  return extracted !== undefined && trace.isSpanContextValid(extracted) ? extracted : undefined;
};
const contextOf = (traceparent: string | undefined): Context => {
  const sc = spanContextOf(traceparent);
  return sc === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, sc);
};
/** The W3C `traceparent` of the active span, for a commit's metadata. */
const activeTraceparent = (): string | undefined => {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
};


/** The matched route's pattern (`/orders/:orderId`), never the raw path (bounded label cardinality). */
const routeOf = (c: Parameters<MiddlewareHandler<ApiEnv>>[0]): string => {
  const routes = c.req.matchedRoutes.filter((r) => r.method !== 'ALL');
  return routes[routes.length - 1]?.path ?? 'unmatched';
};

export interface Instruments {
  readonly tracing: boolean;
  readonly recorder: Recorder;
  /** The first middleware of the HTTP app: the request's span (server kind) and its counters. */
  http(): MiddlewareHandler<ApiEnv>;
  /** The write model's store: `load` and `append` spans, `traceparent` into the commit, events appended. */
  eventStore(store: EventStore): EventStore;
  /** Every command of the write model: its span and its outcome. */
  writeModel(writeModel: WriteModel): WriteModel;
  /** A projection: one span per page applied, continuing the first event's trace and linking to every event's. */
  sink<S extends ProjectionSink>(sink: S): S;
  deadLetters(store: DeadLetterStore): DeadLetterStore;
  /** The bus as the saga subscribes to it: each delivery continues its event's trace. */
  bus(bus: LocalBus): LocalBus;
  /** Saga hooks: an execution span opened by its first step, one span per step (Task attempt). */
  readonly saga: {
    taskWrapper<T>(call: TaskCall, run: () => Promise<T>): Promise<T>;
    ended(record: ExecutionRecord): void;
  };
  provider(provider: PaymentProvider): PaymentProvider;
  deadLetter(source: DeadLetterSource, count?: number): void;
}

interface CommandScope {
  conflicts: number;
  /** When the stream was loaded (or the command started): the start of the `decide` span. */
  decideFrom: number;
}

/** The command id a write-model method was called with (its `CommandContext`, the second argument). */
const commandIdOf = (args: readonly unknown[]): string | undefined => {
  const ctx = args[1] as { commandId?: unknown } | undefined;
  return typeof ctx?.commandId === 'string' ? ctx.commandId : undefined;
};

const isEither = (v: unknown): v is { _tag: 'Left'; left: { _tag?: string } } | { _tag: 'Right'; right: { duplicate?: boolean } } =>
  typeof v === 'object' && v !== null && ((v as { _tag?: unknown })._tag === 'Left' || (v as { _tag?: unknown })._tag === 'Right');

const codeOf = (error: unknown): unknown => (typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined);

export const createInstruments = (recorder: Recorder, tracing: boolean): Instruments => {
  // The commands running now, by command id: the store sees the same id on every attempt of a
  // command (a retry after a version conflict appends again with it), so no async context is
  // needed to count retries — an AsyncLocalStorage would switch on Node's promise hooks for the
  // whole process even with tracing off.
  const commands = new Map<string, CommandScope>();
  const executions = new Map<string, Span>();
  /** Tracing on: the running commands by their span id (the load span finds its command's scope). */
  const activeCommand = new Map<string, CommandScope>();

  const providerOutcome = (error: unknown): ProviderOutcome =>
    codeOf(error) === 'PROVIDER_UNAVAILABLE' ? 'unavailable' : codeOf(error) === 'PROVIDER_REJECTED' ? 'rejected' : 'error';

  return {
    tracing,
    recorder,

    http: () => async (c, next) => {
      const started = performance.now();
      if (!tracing) {
        await next();
      } else {
        const parent = propagation.extract(ROOT_CONTEXT, Object.fromEntries(c.req.raw.headers));
        await tracer().startActiveSpan(c.req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method, 'url.path': c.req.path } }, parent, (span) =>
          inSpan(span, async () => {
            await next();
            const route = routeOf(c);
            span.updateName(`${c.req.method} ${route}`);
            span.setAttributes({ 'http.route': route, 'http.response.status_code': c.res.status, 'strata.request_id': c.get('requestId') ?? '' });
            if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
            // The trace to look up in Jaeger/X-Ray for this request (a client can log it).
            c.res.headers.set('x-trace-id', span.spanContext().traceId);
          }),
        );
      }
      recorder.httpRequest(c.req.method, routeOf(c), c.res.status, (performance.now() - started) / 1000);
    },

    eventStore: (store) => {
      const append = async (request: AppendRequest) => {
        const scope = commands.get(request.meta.commandId);
        const result = await store.append(request).catch((error: unknown) => {
          if (scope !== undefined && codeOf(error) === 'VERSION_CONFLICT') scope.conflicts++;
          throw error;
        });
        if (!result.duplicate) recorder.eventsAppended(request.streamId, result.events.length);
        return result;
      };
      if (!tracing) return { ...store, append, readStream: (id, o) => store.readStream(id, o), close: () => store.close() };
      return {
        append: async (request) => {
          const scope = commands.get(request.meta.commandId);
          // The pure `decide` ran between the load and this append: its span is that interval.
          if (scope !== undefined) tracer().startSpan('decide', { startTime: scope.decideFrom }, context.active()).end();
          return tracer().startActiveSpan(
            'append',
            { kind: SpanKind.PRODUCER, attributes: { 'strata.stream': streamCategory(request.streamId), 'strata.events': request.events.length } },
            (span) =>
              inSpan(span, async () => {
                const traceparent = activeTraceparent();
                const result = await append(traceparent === undefined ? request : { ...request, meta: { ...request.meta, traceparent } });
                span.setAttributes({ 'strata.stream_version': result.version, 'strata.duplicate': result.duplicate });
                return result;
              }),
          );
        },
        readStream: (streamId, options) => {
          // Called inside a command's span (the command's own load): its scope times `decide`.
          const scope = activeCommand.get(trace.getActiveSpan()?.spanContext().spanId ?? '');
          return tracer().startActiveSpan('load', { kind: SpanKind.CLIENT, attributes: { 'strata.stream': streamCategory(streamId) } }, (span) =>
            inSpan(span, async () => {
              const slice = await store.readStream(streamId, options);
              span.setAttribute('strata.events', slice.events.length);
              if (scope !== undefined) scope.decideFrom = Date.now();
              return slice;
            }),
          );
        },
        close: () => store.close(),
      };
    },

    writeModel: (writeModel) => {
      const wrapped: Record<string, unknown> = { ...writeModel };
      for (const [method, fn] of Object.entries(writeModel)) {
        // The command a method decides: pricing at the catalogue is how the API places an order.
        const name = COMMAND_OF_METHOD[method] ?? method;
        // Reads (`loadOrder`, `readHistory`) are not commands.
        if (typeof fn !== 'function' || method.startsWith('load') || method.startsWith('read')) continue;
        const run = (args: unknown[]) => (fn as (...a: unknown[]) => Promise<unknown>).apply(writeModel, args);
        const outcomeOf = (result: unknown, scope: CommandScope): CommandOutcome => {
          if (!isEither(result)) return 'accepted';
          if (result._tag === 'Left') return result.left._tag === 'ConcurrencyConflict' ? 'conflict' : 'rejected';
          if (result.right.duplicate === true) return 'duplicate';
          return scope.conflicts > 0 ? 'retried' : 'accepted';
        };
        wrapped[method] = async (...args: unknown[]) => {
          const scope: CommandScope = { conflicts: 0, decideFrom: Date.now() };
          const commandId = commandIdOf(args);
          if (commandId !== undefined) commands.set(commandId, scope);
          const counted = async (span?: Span) => {
            try {
              const result = await run(args);
              const outcome = outcomeOf(result, scope);
              recorder.command(name, outcome);
              span?.setAttribute('strata.outcome', outcome);
              if (outcome === 'conflict' || outcome === 'rejected') span?.setStatus({ code: SpanStatusCode.ERROR, message: isEither(result) && result._tag === 'Left' ? (result.left._tag ?? outcome) : outcome });
              return result;
            } catch (error) {
              recorder.command(name, 'error');
              throw error;
            }
          };
          try {
            if (!tracing) return await counted();
            return await tracer().startActiveSpan(`command ${name}`, { attributes: { 'strata.command': name } }, (span) => {
              activeCommand.set(span.spanContext().spanId, scope);
              return inSpan(span, () => counted(span)).finally(() => activeCommand.delete(span.spanContext().spanId));
            });
          } finally {
            if (commandId !== undefined && commands.get(commandId) === scope) commands.delete(commandId);
          }
        };
      }
      return wrapped as unknown as WriteModel;
    },

    sink: (sink) => {
      const apply = async (events: readonly DomainEnvelope[], checkpoint?: string) => {
        await (checkpoint === undefined ? sink.apply(events) : sink.apply(events, checkpoint));
        if (events.length > 0) recorder.projectionPage(sink.name, events.length);
      };
      const traced = async (events: readonly DomainEnvelope[], checkpoint?: string) => {
        if (events.length === 0) return apply(events, checkpoint);
        // A page may hold events of many requests: it continues the first traced event's trace
        // and links to every distinct one, so each order's trace shows the page that applied it.
        const seen = new Map<string, SpanContext>();
        for (const e of events) {
          const sc = spanContextOf(e.traceparent);
          if (sc !== undefined && !seen.has(sc.spanId)) seen.set(sc.spanId, sc);
        }
        const links: Link[] = [...seen.values()].map((sc) => ({ context: sc }));
        const first = [...seen.values()][0];
        const parent = first === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, first);
        return tracer().startActiveSpan(
          `project ${sink.name}`,
          { kind: SpanKind.CONSUMER, links, attributes: { 'strata.projection': sink.name, 'messaging.batch.message_count': events.length } },
          parent,
          (span) => inSpan(span, () => apply(events, checkpoint)),
        );
      };
      return { ...sink, apply: tracing ? traced : apply, checkpoint: () => sink.checkpoint() } as typeof sink;
    },

    deadLetters: (store) => ({
      ...store,
      add: async (letters) => {
        await store.add(letters);
        if (letters.length > 0) recorder.deadLetters('projection', letters.length);
      },
      list: (p) => store.list(p),
      settle: (id, outcome) => store.settle(id, outcome),
    }),

    bus: (bus) => ({
      publish: (envelopes) => bus.publish(envelopes),
      subscribe: (target, handler) => {
        const delivered: BusHandler = async (event) => {
          recorder.routedEvent(event['detail-type']);
          if (!tracing) return handler(event);
          const detail = event.detail as EventEnvelope;
          return tracer().startActiveSpan(
            `route ${event['detail-type']}`,
            { kind: SpanKind.CONSUMER, attributes: { 'strata.target': target, 'strata.event_id': detail.eventId } },
            contextOf(detail.traceparent),
            (span) => inSpan(span, () => handler(event)),
          );
        };
        bus.subscribe(target, delivered);
      },
    }),

    saga: {
      taskWrapper: async (call, run) => {
        const counted = async () => {
          try {
            const out = await run();
            recorder.sagaStep(call.step, 'ok');
            return out;
          } catch (error) {
            recorder.sagaStep(call.step, 'error');
            throw error;
          }
        };
        if (!tracing) return counted();
        // The execution's span opens at its first step, as a child of whatever started it (the
        // routed event's span: the runner starts the state machine inside the bus delivery).
        let execution = executions.get(call.execution);
        if (execution === undefined) {
          execution = tracer().startSpan(`saga ${call.workflow}`, { attributes: { 'strata.workflow': call.workflow, 'strata.execution': call.execution } });
          executions.set(call.execution, execution);
        }
        return tracer().startActiveSpan(
          `step ${call.step}`,
          { attributes: { 'strata.state': call.state, 'strata.step': call.step } },
          trace.setSpan(context.active(), execution),
          (span) => inSpan(span, counted),
        );
      },
      ended: (record) => {
        recorder.sagaExecution(record.workflow, record.status === 'running' ? 'aborted' : record.status, Math.max(0, Date.now() - Date.parse(record.startedAt)) / 1000);
        const span = executions.get(record.name);
        if (span === undefined) return;
        executions.delete(record.name);
        span.setAttribute('strata.outcome', record.status);
        if (record.status === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: record.error?.name ?? 'failed' });
        span.end();
      },
    },

    provider: (provider) => {
      const call = <A, R>(operation: keyof PaymentProvider, fn: (a: A) => Promise<R>, outcome: (r: R) => ProviderOutcome) => async (arg: A): Promise<R> => {
        const counted = async (span?: Span) => {
          try {
            const result = await fn(arg);
            const o = outcome(result);
            recorder.providerCall(operation, o);
            span?.setAttribute('strata.outcome', o);
            return result;
          } catch (error) {
            recorder.providerCall(operation, providerOutcome(error));
            throw error;
          }
        };
        return tracing ? tracer().startActiveSpan(`provider ${operation}`, { kind: SpanKind.CLIENT, attributes: { 'strata.provider.operation': operation } }, (span) => inSpan(span, () => counted(span))) : counted();
      };
      return {
        authorize: call('authorize', (r) => provider.authorize(r), (r) => (r.outcome === 'declined' ? 'declined' : 'ok')),
        capture: call('capture', (r) => provider.capture(r), () => 'ok'),
        void: call('void', (r) => provider.void(r), () => 'ok'),
        refund: call('refund', (r) => provider.refund(r), () => 'ok'),
      };
    },

    deadLetter: (source, count = 1) => recorder.deadLetters(source, count),
  };
};
