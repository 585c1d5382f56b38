import * as E from 'fp-ts/lib/Either.js';
import { Category, decodeEnvelope, parseStreamId, type EventEnvelope, type EventType } from '@strata/events';
import { matchesPattern, type EventPattern } from './pattern.js';

/**
 * The routing table, defined once as data. The CDK app turns each rule into an `events.Rule`
 * (`eventPattern: { source, detailType: pattern['detail-type'], detail }`) on the Strata bus whose
 * target is the workflow's state machine; the local bus (`createLocalBus`) matches the very same
 * patterns in process. Only events some rule matches are published (`isRouted`): an event on the
 * bus is billed whether a rule reads it or not. Customer notifications do not go through the bus:
 * they read the change feed (the table's stream on AWS), like the projections.
 */

/** EventBridge `source` per stream category. */
export const EVENT_SOURCES = {
  [Category.Order]: 'strata.orders',
  [Category.Payment]: 'strata.payments',
  [Category.Customer]: 'strata.customers',
  [Category.Feedback]: 'strata.feedback',
  [Category.Product]: 'strata.products',
} as const;
export type EventSource = (typeof EVENT_SOURCES)[keyof typeof EVENT_SOURCES];

/** Names of the consumers rules deliver to; CDK maps each to its state machine. */
export const ROUTE_TARGETS = ['PaymentRequestWorkflow', 'PaymentReleaseWorkflow'] as const;
export type RouteTarget = (typeof ROUTE_TARGETS)[number];

export interface RoutingPattern extends EventPattern {
  readonly source: readonly EventSource[];
  readonly 'detail-type': readonly EventType[];
  readonly detail?: EventPattern;
}

export interface RoutingRule {
  /** Rule name, unique on the bus (CDK uses it as the construct id). */
  readonly name: string;
  readonly description: string;
  readonly pattern: RoutingPattern;
  readonly target: RouteTarget;
}

export const routingRules: readonly RoutingRule[] = [
  {
    name: 'payment-request',
    // Free orders go through the saga too (a zero hold): one path confirms every order.
    description: 'A placed order starts the payment request saga.',
    pattern: { source: ['strata.orders'], 'detail-type': ['OrderPlaced'] },
    target: 'PaymentRequestWorkflow',
  },
  {
    name: 'payment-release',
    description: 'Delivery captures the held funds; cancellation voids or refunds them.',
    pattern: { source: ['strata.orders'], 'detail-type': ['OrderDelivered', 'OrderCancelled'] },
    target: 'PaymentReleaseWorkflow',
  },
];

/** An event as EventBridge delivers it to targets (and as patterns see it). */
export interface BusEvent<D = EventEnvelope> {
  readonly version: '0';
  /** EventBridge's own id; consumers dedup on `detail.eventId`, which survives re-publication. */
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly time: string;
  readonly resources: readonly string[];
  readonly detail: D;
}

/** The `PutEvents` entry for one committed event (detail = the whole envelope, JSON). */
export interface PutEventsEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly Time: Date;
  readonly EventBusName?: string;
}

export const sourceOf = (envelope: EventEnvelope): string => {
  const category = parseStreamId(envelope.streamId)?.category;
  return category !== undefined && Object.hasOwn(EVENT_SOURCES, category) ? EVENT_SOURCES[category as Category] : 'strata.unknown';
};

export const toPutEventsEntry = (envelope: EventEnvelope, eventBusName?: string): PutEventsEntry => ({
  Source: sourceOf(envelope),
  DetailType: envelope.type,
  Detail: JSON.stringify(envelope),
  Time: new Date(envelope.occurredAt),
  ...(eventBusName === undefined ? {} : { EventBusName: eventBusName }),
});

/** The event a target receives, built locally the way EventBridge builds it from the entry. */
export const toBusEvent = (envelope: EventEnvelope): BusEvent => ({
  version: '0',
  id: envelope.eventId,
  'detail-type': envelope.type,
  source: sourceOf(envelope),
  time: envelope.occurredAt,
  resources: [],
  detail: envelope,
});

/** Whether any rule matches the event: the publisher puts only these on the bus. */
export const isRouted = (envelope: EventEnvelope, rules: readonly RoutingRule[] = routingRules): boolean => {
  const event = toBusEvent(envelope);
  return rules.some((rule) => matchesPattern(rule.pattern, event));
};

/**
 * The envelope as the bus carries it: its payload upcast to the current schema version (the
 * workflows' input mappings read the current shape), or as stored when no codec reads it — a
 * consumer that decodes it then reports the problem.
 */
export const busEnvelope = (envelope: EventEnvelope): EventEnvelope => {
  const decoded = decodeEnvelope(envelope);
  return E.isRight(decoded) ? decoded.right : envelope;
};
