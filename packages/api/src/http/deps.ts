import type { JSONWebKeySet } from 'jose';
import type { WriteModel } from '@strata/write-model';
import type { DateRange, OrderQueries, OrderStatusCache, ProductQueries, WarehouseQuery } from '@strata/projections';
import type { IdentityProvider, TokenVerifier } from '../identity/ports.js';
import type { IdempotencyStore } from './idempotency.js';
import type { RateLimiter } from './rateLimit.js';
import type { MiddlewareHandler } from 'hono';
import type { ApiContext, ApiEnv } from './context.js';
import type { AdminOperations } from './routes.admin.js';

/** Structured logging; the runtime passes its logger (request and correlation ids are in `fields`). */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ReadinessReport {
  readonly ok: boolean;
  /** Per dependency: reachable or not, with a short reason (never secrets). */
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string }>>;
}

export interface ApiOptions {
  /** Allowed browser origins; absent or empty = no CORS headers (same-origin only). */
  readonly corsOrigins?: readonly string[];
  /** Largest request body accepted, in bytes. @default 65536 */
  readonly maxBodyBytes?: number;
  /** How long a command waits for its read model to catch up before responding. @default 2000 */
  readonly readYourWritesTimeoutMs?: number;
  /**
   * The caller's address for rate limiting when there is no token. The default reads API
   * Gateway's `requestContext.identity.sourceIp` (Lambda); the Node host passes its socket's.
   * `X-Forwarded-For` is not trusted by default: any client can set it.
   */
  readonly clientIp?: (c: ApiContext) => string | undefined;
}

/**
 * The warehouse SQL (`packages/projections/sql/warehouse/*`): DuckDB over the local lake, the same
 * text on Athena. Rows as the engine returns them (BIGINT may arrive as a string).
 */
export interface AnalyticsWarehouse {
  run(query: WarehouseQuery, range?: DateRange): Promise<ReadonlyArray<Record<string, unknown>>>;
}

/** Everything `createApi` needs; each handler uses only its part. */
export interface ApiDeps {
  readonly writeModel: WriteModel;
  readonly queries: OrderQueries;
  /** The catalogue's read side (public GET /products). */
  readonly products: ProductQueries;
  readonly statusCache: OrderStatusCache;
  readonly identity: IdentityProvider;
  readonly verifier: TokenVerifier;
  /** The local issuer's key set, served at `/.well-known/jwks.json` (absent with Cognito). */
  readonly jwks?: JSONWebKeySet;
  readonly idempotency: IdempotencyStore;
  /** Absent = no rate limiting. */
  readonly rateLimiter?: RateLimiter;
  /** Dependency checks for `GET /ready`; absent = ready as soon as the app runs. */
  readonly ready?: () => Promise<ReadinessReport>;
  /** Operator commands on the running engine (`/admin/*`, admin role); absent = no such routes. */
  readonly admin?: AdminOperations;
  /** Prometheus text exposition for `GET /metrics`; absent = no metrics route. */
  readonly metrics?: () => Promise<string>;
  /** The warehouse behind `GET /insights/{query}`; absent = those routes answer 503 (no warehouse here). */
  readonly warehouse?: AnalyticsWarehouse;
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly logger?: Logger;
  readonly options?: ApiOptions;
  /** Runs first on every request: the runtime's request span and HTTP metrics (issue 17). */
  readonly instrument?: MiddlewareHandler<ApiEnv>;
}
