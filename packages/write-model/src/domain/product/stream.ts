import { Category, parseStreamId, productStream } from '@strata/events';

/** `Product-<productId>`: one stream per catalogue product; its version is the price version orders record. */
export { productStream };

/** The product id of a `Product-…` stream id, or undefined for any other stream. */
export const productIdOf = (streamId: string): string | undefined => {
  const parsed = parseStreamId(streamId);
  return parsed?.category === Category.Product ? parsed.id : undefined;
};
