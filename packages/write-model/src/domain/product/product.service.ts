import { loadStream, type CommandContext, type CommandHandler, type CommandResult, type LoadedStream } from '../commandHandler.js';
import type { EventStore } from '@strata/events';
import type { CataloguePrice } from '../order/order.decider.js';
import { productDecider, type ListProduct, type ProductState, type RepriceProduct, type RetireProduct } from './product.decider.js';
import { productStream } from './stream.js';

export interface ProductService {
  listProduct(cmd: ListProduct, ctx: CommandContext): Promise<CommandResult>;
  repriceProduct(cmd: RepriceProduct, ctx: CommandContext): Promise<CommandResult>;
  retireProduct(cmd: RetireProduct, ctx: CommandContext): Promise<CommandResult>;
  /** A product's current state folded from its stream (version 0 = not in the catalogue). */
  loadProduct(productId: string): Promise<LoadedStream<ProductState>>;
  /**
   * The catalogue entries of these products as their streams are now, with each stream's
   * version: what an order is priced from. Products not in the catalogue are absent.
   */
  lookUpPrices(productIds: readonly string[]): Promise<readonly CataloguePrice[]>;
}

/** The catalogue's entry for a loaded product stream, or undefined when it was never listed. */
export const cataloguePriceOf = (loaded: LoadedStream<ProductState>): CataloguePrice | undefined =>
  loaded.state.status === 'none'
    ? undefined
    : { productId: loaded.state.productId, version: loaded.version, status: loaded.state.status, name: loaded.state.name, price: loaded.state.price };

export const createProductService = (eventStore: EventStore, handle: CommandHandler): ProductService => {
  const loadProduct = (productId: string) => loadStream(eventStore, productDecider, productStream(productId));
  return {
    listProduct: (data, ctx) => handle(productDecider, { streamId: productStream(data.productId), command: { type: 'ListProduct', data } }, ctx),
    repriceProduct: (data, ctx) => handle(productDecider, { streamId: productStream(data.productId), command: { type: 'RepriceProduct', data } }, ctx),
    retireProduct: (data, ctx) => handle(productDecider, { streamId: productStream(data.productId), command: { type: 'RetireProduct', data } }, ctx),
    loadProduct,
    // Read in parallel: the SQL store sends reads issued together as one statement.
    lookUpPrices: async (productIds) =>
      (await Promise.all([...new Set(productIds)].map(loadProduct))).flatMap((loaded) => {
        const entry = cataloguePriceOf(loaded);
        return entry === undefined ? [] : [entry];
      }),
  };
};
