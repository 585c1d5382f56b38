/**
 * The one seam between the relational read model's SQL and a PostgreSQL engine. Adapters:
 * `pgExecutor` (node-postgres pool, `@strata/projections/postgres`) and `pgliteExecutor`
 * (embedded PGlite, `@strata/projections/pglite`). Both speak the same SQL, so there is one
 * implementation of the read model.
 */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs `fn` in one transaction (on the same connection); commits when it resolves. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A fault of the relational read model's database; `cause` holds the driver's error. */
export class ReadModelUnavailableError extends Error {
  readonly code = 'READ_MODEL_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReadModelUnavailableError';
  }
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
/** Schema names are interpolated into SQL, so only plain lower-case identifiers are accepted. */
export const quoteSchema = (schema: string): string => {
  if (!IDENT.test(schema)) throw new RangeError(`invalid schema name ${JSON.stringify(schema)}`);
  return `"${schema}"`;
};
