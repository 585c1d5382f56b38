/**
 * The read side's query contract, consumed by the API. Implemented on the relational read model
 * (`createSqlReadModel`); the status cache (`OrderStatusCache`) backs the seed's cache-check route.
 */
export type OrderStatus = 'placed' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled';
export type PaymentStatus = 'requested' | 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded';

export interface OrderView {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  currency: string;
  /** Minor units. */
  total: number;
  items: ReadonlyArray<{ productId: string; productName: string; quantity: number; unitPrice: number }>;
  shippingAddress: { street: string; city: string; zipCode: string; country: string };
  payment?: { paymentId: string; status: PaymentStatus; authorized: number; captured: number; refunded: number };
  cancelReason?: string;
  createdAt: string;
  updatedAt: string;
  /** The order stream version this view reflects. */
  version: number;
}
export interface OrderStatusEntry { orderId: string; status: OrderStatus; total: number; currency: string; updatedAt: string; version: number }
/** Absent `customerId` = everyone (analyst/admin). */
export interface AnalyticsScope { customerId?: string }
export interface AnalyticsSummary {
  orders: number;
  revenue: Array<{ currency: string; amount: number }>;
  averageOrderValue: Array<{ currency: string; amount: number }>;
  ordersByStatus: Record<string, number>;
  feedback: { count: number; averageRating: number | null };
  generatedAt: string;
}
export interface AnalyticsDetailed extends AnalyticsSummary {
  revenueByDay: Array<{ day: string; currency: string; amount: number; orders: number }>;
  topProducts: Array<{ productId: string; productName: string; quantity: number; revenue: number }>;
  payments: { authorizationRate: number | null; declineRate: number | null; requested: number; authorized: number; declined: number };
  feedbackByCategory: Array<{ category: string; count: number; averageRating: number }>;
}
export interface OrderQueries {
  getOrder(orderId: string): Promise<OrderView | undefined>;
  listOrders(customerId: string, page: { limit: number; cursor?: string }): Promise<{ items: OrderView[]; nextCursor?: string }>;
  analyticsSummary(scope: AnalyticsScope): Promise<AnalyticsSummary>;
  analyticsDetailed(scope: AnalyticsScope): Promise<AnalyticsDetailed>;
  /** Read-your-writes: resolves true once the view of `orderId` reflects at least `version` (false on timeout). */
  awaitOrderVersion(orderId: string, version: number, timeoutMs: number): Promise<boolean>;
}
/** A catalogue product as `GET /products` shows it. */
export interface ProductView {
  productId: string;
  name: string;
  description: string;
  status: 'listed' | 'retired';
  /** Minor units. */
  price: number;
  currency: string;
  listedAt: string;
  updatedAt: string;
  /** The product stream version this view reflects (the price version orders record). */
  version: number;
}
export interface ProductPage {
  /** At most this many (1..100). */
  limit: number;
  cursor?: string;
  /** Case-insensitive substring of the name. */
  q?: string;
}
/** The catalogue's read side: public browsing. Orders are priced from the event store, never from here. */
export interface ProductQueries {
  /** Listed and retired alike (a storefront shows "no longer sold"). */
  getProduct(productId: string): Promise<ProductView | undefined>;
  /** Listed products only, by name then id; keyset-paginated like `listOrders`. */
  listProducts(page: ProductPage): Promise<{ items: ProductView[]; nextCursor?: string }>;
}
/** The seed's "cache check" route, GET /cached/orders/{id}. */
export interface OrderStatusCache {
  /** A miss falls back to the relational model and refills. */
  get(orderId: string): Promise<OrderStatusEntry | undefined>;
}
