/**
 * @strata/write-model — deciders, command handling and the `EventStore` adapters.
 * Optional adapters and test kits are subpaths: `./postgres`, `./pglite`, `./dynamodb`, `./testing`.
 */
export { createMemoryEventStore, type MemoryEventStoreOptions } from './adapters/eventStore.memory.js';

// ── Domain: deciders, command handling, the write model (domain helper) ──────────────────
export * from './domain/errors.js';
export { fold, newEvent, type Decider } from './domain/decider.js';
export {
  DEFAULT_MAX_CONFLICT_RETRIES,
  NEW_STREAM,
  UnreadableEventError,
  commandFingerprint,
  createCommandHandler,
  eventIdFor,
  loadStream,
  type CommandContext,
  type CommandHandler,
  type CommandOutcome,
  type CommandResult,
  type HandleOptions,
  type LoadedStream,
  type StreamCommand,
} from './domain/commandHandler.js';
export {
  MAX_ORDER_ITEMS,
  orderDecider,
  type CataloguePrice,
  type PlaceCatalogueOrder,
  type CancelOrder,
  type ConfirmOrder,
  type DeliverOrder,
  type OrderCommand,
  type OrderDetails,
  type OrderState,
  type OrderStatus,
  type PlaceOrder,
  type ShipOrder,
} from './domain/order/order.decider.js';
export {
  paymentDecider,
  type AuthorizePayment,
  type CapturePayment,
  type DeclinePayment,
  type PaymentCommand,
  type PaymentDetails,
  type PaymentState,
  type PaymentStatus,
  type RefundPayment,
  type RequestPayment,
  type VoidPayment,
} from './domain/payment/payment.decider.js';
export { customerDecider, type CustomerCommand, type CustomerState, type RegisterCustomer } from './domain/customer/customer.decider.js';
export {
  feedbackDecider,
  orderFacts,
  type FeedbackCommand,
  type FeedbackState,
  type OrderFacts,
  type SubmitFeedback,
} from './domain/feedback/feedback.decider.js';
export {
  productDecider,
  type ListProduct,
  type ProductCommand,
  type ProductDetails,
  type ProductState,
  type ProductStatus,
  type RepriceProduct,
  type RetireProduct,
} from './domain/product/product.decider.js';
export { productIdOf } from './domain/product/stream.js';
export { DEMO_CATALOGUE } from './domain/product/demo.js';
export type { ProductService } from './domain/product/product.service.js';
export type { OrderPricingService, OrderRequest } from './domain/order/order.pricing.js';
export { createWriteModel, type WriteModel, type WriteModelDeps } from './domain/writeModel.js';
export type { OrderCommandOptions } from './domain/order/order.service.js';
export type { PaymentCommandOptions } from './domain/payment/payment.service.js';
