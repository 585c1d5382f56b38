import type { EventEnvelope } from '@strata/events';
import { matchesPattern } from './pattern.js';
import { busEnvelope, routingRules, toBusEvent, type BusEvent, type RouteTarget, type RoutingRule } from './rules.js';

export type BusHandler = (event: BusEvent) => Promise<void>;

export interface DeadLetter {
  readonly target: RouteTarget;
  readonly event: BusEvent;
  readonly error: unknown;
}

export interface LocalBusOptions {
  /** @default routingRules */
  readonly rules?: readonly RoutingRule[];
  /** Delivery attempts per target before the event is dead-lettered. @default 5 */
  readonly maxAttempts?: number;
  /** First retry delay; doubles per attempt. @default 50 */
  readonly retryDelayMs?: number;
  /** Called with an event that exhausted its attempts (EventBridge's DLQ). */
  readonly onDeadLetter?: (dead: DeadLetter) => void;
}

export interface LocalBus {
  /** Registers the consumer for a target name (one per target, as one EventBridge target). */
  subscribe(target: RouteTarget, handler: BusHandler): void;
  /**
   * Routes committed events to every target whose rule matches; resolves when each delivery
   * succeeded or was dead-lettered. Delivery is at least once: a handler may see an event again
   * (a retry here, a re-read of the change feed) and must dedup by `detail.eventId`
   * (see `dedupByEventId`).
   */
  publish(envelopes: readonly EventEnvelope[]): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The in-process stand-in for the EventBridge bus: the same rules, the same pattern semantics,
 * retries with backoff and a dead-letter hook. The runtime feeds it from the change feed (never
 * from the command path).
 */
export const createLocalBus = (options: LocalBusOptions = {}): LocalBus => {
  const rules = options.rules ?? routingRules;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 50;
  const handlers = new Map<RouteTarget, BusHandler>();

  const deliver = async (target: RouteTarget, handler: BusHandler, event: BusEvent): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(event);
        return;
      } catch (error) {
        if (attempt >= maxAttempts) {
          options.onDeadLetter?.({ target, event, error });
          return;
        }
        await sleep(retryDelayMs * 2 ** (attempt - 1));
      }
    }
  };

  return {
    subscribe(target, handler) {
      if (handlers.has(target)) throw new Error(`target ${target} already has a subscriber`);
      handlers.set(target, handler);
    },
    async publish(envelopes) {
      const deliveries: Promise<void>[] = [];
      for (const envelope of envelopes) {
        const matched = rules.filter((rule) => matchesPattern(rule.pattern, toBusEvent(envelope)));
        if (matched.length === 0) continue; // the publisher puts only routed events on the bus
        const event = toBusEvent(busEnvelope(envelope));
        // Each matching rule delivers, as on EventBridge (two rules to one target deliver twice).
        for (const rule of matched) {
          const handler = handlers.get(rule.target);
          if (handler !== undefined) deliveries.push(deliver(rule.target, handler, event));
        }
      }
      await Promise.all(deliveries);
    },
  };
};

/**
 * Wraps a consumer so each key (an event id) is handled once per process even when delivered many
 * times. A failed delivery is forgotten so the retry runs again. Durable idempotency lives in
 * the consumers themselves (command ids, outbox file names); this only saves work.
 */
export const dedupBy = <T>(keyOf: (item: T) => string, handler: (item: T) => Promise<void>, capacity = 100_000): ((item: T) => Promise<void>) => {
  const seen = new Map<string, Promise<void>>();
  return async (item) => {
    const key = keyOf(item);
    const inFlight = seen.get(key);
    if (inFlight !== undefined) return inFlight;
    const run = handler(item).catch((error: unknown) => {
      seen.delete(key);
      throw error;
    });
    seen.set(key, run);
    if (seen.size > capacity) {
      const oldest = seen.keys().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
    return run;
  };
};

/** `dedupBy` keyed by the routed event's `detail.eventId`. */
export const dedupByEventId = (handler: BusHandler, capacity = 100_000): BusHandler => dedupBy((event: BusEvent) => event.detail.eventId, handler, capacity);
