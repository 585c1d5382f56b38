import { verifyChain, type ChainReport, type EventEnvelope, type EventStore } from '@strata/events';
import { createCommandHandler } from './commandHandler.js';
import { createCustomerService, type CustomerService } from './customer/customer.service.js';
import { createFeedbackService, type FeedbackService } from './feedback/feedback.service.js';
import { createOrderService, type OrderService } from './order/order.service.js';
import { createPaymentService, type PaymentService } from './payment/payment.service.js';
import { createOrderPricingService, type OrderPricingService } from './order/order.pricing.js';
import { createProductService, type ProductService } from './product/product.service.js';
import { DEFAULT_MAX_CONFLICT_RETRIES } from './commandHandler.js';

/** The write side as the API and the saga see it: one method per command, plus loads for readers. */
export interface WriteModel extends CustomerService, OrderService, OrderPricingService, ProductService, PaymentService, FeedbackService {
  /** Auditors: a stream's events and whether its hash chain verifies. */
  readHistory(streamId: string): Promise<{ events: readonly EventEnvelope[]; chain: ChainReport }>;
}

export interface WriteModelDeps {
  readonly eventStore: EventStore;
  /** Reloads-and-retries after a version conflict before a 'conflict' error. @default 5 */
  readonly maxConflictRetries?: number;
}

/** Composes the aggregates' services over one event store. Holds no state: a new instance sees everything the store holds. */
export const createWriteModel = (deps: WriteModelDeps): WriteModel => {
  const { eventStore } = deps;
  const handle = createCommandHandler(deps);
  const products = createProductService(eventStore, handle);
  return {
    ...products,
    ...createOrderPricingService(eventStore, handle, products, deps.maxConflictRetries ?? DEFAULT_MAX_CONFLICT_RETRIES),
    ...createCustomerService(handle),
    ...createOrderService(eventStore, handle),
    ...createPaymentService(eventStore, handle),
    ...createFeedbackService(eventStore, handle),
    readHistory: async (streamId) => {
      const { events } = await eventStore.readStream(streamId);
      return { events, chain: verifyChain(events) };
    },
  };
};
