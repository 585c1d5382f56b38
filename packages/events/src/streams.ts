/**
 * Stream naming: `<Category>-<id>` (Equinox style). The category is the aggregate; the id never
 * contains the separator's meaning twice because categories are fixed words without `-`.
 */
export const Category = {
  Order: 'Order',
  Payment: 'Payment',
  Customer: 'Customer',
  Feedback: 'Feedback',
  Product: 'Product',
} as const;
export type Category = (typeof Category)[keyof typeof Category];

export const streamId = (category: Category, id: string): string => `${category}-${id}`;

export const parseStreamId = (stream: string): { category: string; id: string } | undefined => {
  const i = stream.indexOf('-');
  if (i <= 0 || i === stream.length - 1) return undefined;
  return { category: stream.slice(0, i), id: stream.slice(i + 1) };
};

export const orderStream = (orderId: string): string => streamId(Category.Order, orderId);
export const paymentStream = (paymentId: string): string => streamId(Category.Payment, paymentId);
export const customerStream = (customerId: string): string => streamId(Category.Customer, customerId);
/** One feedback stream per order: "once per order" is then an expected-version check. */
export const feedbackStream = (orderId: string): string => streamId(Category.Feedback, orderId);
/** One stream per catalogue product: its version is the price version an order records. */
export const productStream = (productId: string): string => streamId(Category.Product, productId);
