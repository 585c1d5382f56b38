import * as E from 'fp-ts/lib/Either.js';
import { orderStream, type EventStore } from '@strata/events';
import { commandFingerprint, loadStream, type CommandContext, type CommandHandler, type CommandResult } from '../commandHandler.js';
import { domainError } from '../errors.js';
import { productIdOf, productStream } from '../product/stream.js';
import type { ProductService } from '../product/product.service.js';
import { orderDecider, type PlaceCatalogueOrder } from './order.decider.js';

/** An order as a customer asks for it: no prices of record, only the ones the client saw (optional). */
export type OrderRequest = Omit<PlaceCatalogueOrder, 'catalogue'>;

export interface OrderPricingService {
  /**
   * Places an order at the catalogue's current prices (decision 0007):
   * 1. the command id first — a retry answers its first outcome, even after a reprice;
   * 2. the lines' products are looked up in their streams, with each stream's version;
   * 3. the pure decider prices the order from them (refusing unknown or retired products, mixed
   *    currencies, a client price that differs) and records each line's price and product version;
   * 4. the append is conditional on every product stream still being at that version. When a
   *    product moved in between, the order is priced again from scratch (at most
   *    `maxConflictRetries` times): it is never committed with a price its recorded version does not have.
   */
  placeOrderAtCataloguePrices(request: OrderRequest, ctx: CommandContext): Promise<CommandResult>;
}

export const createOrderPricingService = (
  eventStore: EventStore,
  handle: CommandHandler,
  products: Pick<ProductService, 'lookUpPrices'>,
  maxConflictRetries: number,
): OrderPricingService => ({
  placeOrderAtCataloguePrices: async (request, ctx) => {
    const streamId = orderStream(request.orderId);
    // The fingerprint covers the request, not the prices looked up for it: a retry still matches.
    const fingerprint = commandFingerprint({ type: 'PlaceCatalogueOrder', data: request });
    for (let attempt = 0; attempt <= maxConflictRetries; attempt++) {
      // Both reads go out together (one statement on the SQL store); the order stream's answer —
      // this command id already committed? — is honoured before any price is used (the handler
      // answers a known command id before deciding).
      const [loaded, catalogue] = await Promise.all([
        loadStream(eventStore, orderDecider, streamId),
        products.lookUpPrices(request.items.map((l) => l.productId)),
      ]);
      try {
        return await handle(
          orderDecider,
          { streamId, command: { type: 'PlaceCatalogueOrder', data: { ...request, catalogue } } },
          ctx,
          loaded,
          { fingerprint, conditions: catalogue.map((p) => ({ streamId: productStream(p.productId), expectedVersion: p.version })) },
        );
      } catch (error) {
        // A product was repriced (or retired) since it was read: price the order again.
        const conflictOn = (error as { code?: unknown; streamId?: unknown }).code === 'VERSION_CONFLICT' ? (error as { streamId: string }).streamId : undefined;
        if (conflictOn === undefined || productIdOf(conflictOn) === undefined) throw error;
      }
    }
    return E.left(domainError('ConcurrencyConflict', `the catalogue kept changing while order ${request.orderId} was priced; gave up after ${maxConflictRetries + 1} attempts`));
  },
});
