/**
 * The one seam between the shared SQL event store and its drivers (`pg` Pool, PGlite): a query
 * function and a transaction helper. Rows come back as plain objects keyed by column name.
 */
export interface SqlQuery {
  query<Row extends object>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface SqlExecutor extends SqlQuery {
  /** Runs `work` on one session inside BEGIN … COMMIT (ROLLBACK when it throws). */
  transaction<T>(work: (tx: SqlQuery) => Promise<T>): Promise<T>;
  /** Releases what the executor owns (a pool it created, an embedded database it opened). */
  close(): Promise<void>;
}

/** A schema name that is safe to splice into SQL, double-quoted. */
export const quoteSchema = (schema: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`invalid schema name ${JSON.stringify(schema)}: use [a-z_][a-z0-9_]*`);
  return `"${schema}"`;
};
