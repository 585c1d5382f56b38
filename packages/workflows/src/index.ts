/**
 * @strata/workflows — the payment saga, event routing, the payment-provider port and customer
 * notifications.
 *
 * Entry (no Node-only or heavy dependencies, safe for the step Lambda):
 * - routing: `routingRules` (EventBridge patterns, used by CDK and the local bus), `matchesPattern`,
 *   `isRouted` (what the publisher puts on the bus), `busEnvelope`, `createLocalBus`,
 *   `dedupByEventId`, `toPutEventsEntry`, `toBusEvent`;
 * - saga: the ASL documents (`workflowDefinitions`, `WORKFLOW_FILES`, `WORKFLOW_TYPES`), the step
 *   handlers and `handlePaymentStep` (the body of the step Lambda), the saga's pure decisions;
 * - provider: the `PaymentProvider` port and `createHttpPaymentProvider`;
 * - notifications: the `Notifier` port, `createNotificationConsumer` (one committed event → one
 *   notification), `customerFromWriteModel`, `notifyBatch` (a batch of the change feed).
 *
 * Subpaths (adapters and the local runtime):
 * - `@strata/workflows/saga/runner` — `createSagaRunner` (aws-local-stepfunctions);
 * - `@strata/workflows/saga/recover` — `recoverSagas` (finish sagas a crash interrupted);
 * - `@strata/workflows/provider/provider.simulated` — `startSimulatedProvider` (node:http);
 * - `@strata/workflows/notifications/notifier.outbox` — `createOutboxNotifier` (a folder);
 * - `@strata/workflows/asl/files` — writes / checks the `*.asl.json` files CDK deploys;
 * - `@strata/workflows/testing/sagaHarness` — the saga wired end to end for tests.
 */
export * from './routing/pattern.js';
export * from './routing/rules.js';
export * from './routing/localBus.js';
export * from './domain/saga.js';
export * from './asl/definitions.js';
export * from './steps/paymentSteps.js';
export * from './provider/port.js';
export { HTTP_PROVIDER_DEFAULTS, createHttpPaymentProvider, type HttpPaymentProviderOptions } from './provider/provider.http.js';
export * from './notifications/port.js';
export { createNotificationConsumer, customerFromWriteModel, mayNotify, notifyBatch, notifyWithRetries, type NotificationDeps, type NotifyOutcome } from './notifications/consumer.js';
