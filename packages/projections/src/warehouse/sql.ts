/*
 * The warehouse. The analytics queries are plain SQL over four relations — `orders`, `order_lines`,
 * `payments`, `feedback` (facts derived from the event lake) — so the same text serves DuckDB
 * locally, Athena named queries and Redshift views. Only the prelude that derives those relations
 * from the `events` rows (JSON functions, unnest) is engine-specific.
 * Each query sees every event once: the prelude deduplicates by event id (the lake is at least once).
 *
 * This module is the runtime copy (jest runs sources as CommonJS, so the runtime cannot read files
 * beside its module). `./files.ts` writes it out as `packages/projections/sql/warehouse/*.sql`, the
 * files the CDK app deploys as Athena named queries; a unit test fails when the two differ.
 */

/** Where the DuckDB prelude takes the lake's Parquet glob, as a SQL string literal. */
export const LAKE_GLOB_PLACEHOLDER = "'{{lake_glob}}'";

/** DuckDB: views over the lake's Parquet files (`prelude.duckdb.sql`), with the glob left as a placeholder. */
export const DUCKDB_PRELUDE = `
CREATE OR REPLACE VIEW events AS
  SELECT DISTINCT ON (event_id) * FROM read_parquet(${LAKE_GLOB_PLACEHOLDER}, hive_partitioning = true, union_by_name = true);
CREATE OR REPLACE VIEW orders AS
  WITH placed AS (
    SELECT json_extract_string(payload, '$.orderId') AS order_id, json_extract_string(payload, '$.customerId') AS customer_id,
           json_extract_string(payload, '$.currency') AS currency, CAST(json_extract(payload, '$.total') AS BIGINT) AS total,
           substr(occurred_at, 1, 10) AS day, json_extract_string(payload, '$.shippingAddress.country') AS country, stream_id
    FROM events WHERE type = 'OrderPlaced'),
  last_status AS (
    SELECT stream_id, arg_max(type, stream_version) AS last_type FROM events
    WHERE type IN ('OrderPlaced', 'OrderConfirmed', 'OrderShipped', 'OrderDelivered', 'OrderCancelled') GROUP BY stream_id)
  SELECT p.order_id, p.customer_id, p.currency, p.total, p.day, p.country,
         CASE s.last_type WHEN 'OrderPlaced' THEN 'placed' WHEN 'OrderConfirmed' THEN 'confirmed' WHEN 'OrderShipped' THEN 'shipped'
                          WHEN 'OrderDelivered' THEN 'delivered' ELSE 'cancelled' END AS status
  FROM placed p JOIN last_status s USING (stream_id);
CREATE OR REPLACE VIEW order_lines AS
  SELECT json_extract_string(payload, '$.orderId') AS order_id, item.productId AS product_id, item.productName AS product_name,
         item.quantity AS quantity, item.unitPrice AS unit_price
  FROM (SELECT payload, unnest(from_json(json_extract(payload, '$.items'),
          '[{"productId":"VARCHAR","productName":"VARCHAR","quantity":"BIGINT","unitPrice":"BIGINT"}]')) AS item
        FROM events WHERE type = 'OrderPlaced');
CREATE OR REPLACE VIEW payments AS
  SELECT stream_id AS payment_id, arg_min(json_extract_string(payload, '$.customerId'), stream_version) AS customer_id,
         CASE arg_max(type, stream_version) WHEN 'PaymentRequested' THEN 'requested' WHEN 'PaymentAuthorized' THEN 'authorized'
           WHEN 'PaymentDeclined' THEN 'declined' WHEN 'PaymentCaptured' THEN 'captured' WHEN 'PaymentVoided' THEN 'voided' ELSE 'refunded' END AS status
  FROM events WHERE type LIKE 'Payment%' GROUP BY stream_id;
CREATE OR REPLACE VIEW feedback AS
  SELECT json_extract_string(payload, '$.orderId') AS order_id, json_extract_string(payload, '$.customerId') AS customer_id,
         CAST(json_extract(payload, '$.rating') AS INTEGER) AS rating, json_extract_string(payload, '$.category') AS category
  FROM events WHERE type = 'FeedbackSubmitted';
`;

/** The DuckDB prelude over the Parquet files matching `glob` (`<root>/events/**\/*.parquet`). */
export const duckdbPrelude = (glob: string): string =>
  // A replacer function: a replacement string would expand `$&` and the like found in the path.
  DUCKDB_PRELUDE.replace(LAKE_GLOB_PLACEHOLDER, () => `'${glob.replaceAll("'", "''")}'`);

/** A paid order: the definition of revenue everywhere (relational model and warehouse alike). */
const PAID = `status IN ('confirmed', 'shipped', 'delivered')`;

/**
 * The date range, two positional `?` parameters (first day, last day; inclusive, `YYYY-MM-DD`
 * strings compared with the order's UTC day). `?` is what both DuckDB prepared statements and
 * Athena's `ExecutionParameters` bind, so the text stays the same on both.
 */
const IN_RANGE = `day >= ? AND day <= ?`;

export const warehouseQueries = {
  revenue_by_day: `SELECT day, currency, SUM(total) AS amount, COUNT(*) AS orders FROM orders WHERE ${PAID} AND ${IN_RANGE} GROUP BY day, currency ORDER BY day, currency`,
  orders_by_status: `SELECT status, COUNT(*) AS orders FROM orders WHERE ${IN_RANGE} GROUP BY status ORDER BY status`,
  average_order_value: `SELECT currency, SUM(total) AS revenue, COUNT(*) AS orders, ROUND(CAST(SUM(total) AS DOUBLE PRECISION) / COUNT(*)) AS average_order_value
FROM orders WHERE ${PAID} AND ${IN_RANGE} GROUP BY currency ORDER BY currency`,
  top_products: `SELECT l.product_id, MAX(l.product_name) AS product_name, SUM(l.quantity) AS quantity, SUM(l.quantity * l.unit_price) AS revenue
FROM order_lines l JOIN orders o ON o.order_id = l.order_id WHERE o.${PAID} AND o.day >= ? AND o.day <= ?
GROUP BY l.product_id ORDER BY quantity DESC, l.product_id LIMIT 10`,
  revenue_by_country: `SELECT country, currency, SUM(total) AS amount, COUNT(*) AS orders FROM orders WHERE ${PAID} AND ${IN_RANGE}
GROUP BY country, currency ORDER BY amount DESC, country, currency`,
  payment_rates: `SELECT COUNT(*) AS requested,
  SUM(CASE WHEN status IN ('authorized', 'captured', 'voided', 'refunded') THEN 1 ELSE 0 END) AS authorized,
  SUM(CASE WHEN status = 'declined' THEN 1 ELSE 0 END) AS declined,
  CAST(SUM(CASE WHEN status IN ('authorized', 'captured', 'voided', 'refunded') THEN 1 ELSE 0 END) AS DOUBLE PRECISION) / NULLIF(COUNT(*), 0) AS authorization_rate,
  CAST(SUM(CASE WHEN status = 'declined' THEN 1 ELSE 0 END) AS DOUBLE PRECISION) / NULLIF(COUNT(*), 0) AS decline_rate
FROM payments`,
  payment_outcomes: `SELECT status, COUNT(*) AS payments FROM payments GROUP BY status ORDER BY status`,
  feedback_by_category: `SELECT category, COUNT(*) AS count, AVG(CAST(rating AS DOUBLE PRECISION)) AS average_rating FROM feedback GROUP BY category ORDER BY category`,
  // The orders behind a chart, for drill-down: no customer id, name or address (analysts see no personal data).
  order_drilldown: `SELECT order_id, day, status, currency, total, country FROM orders WHERE ${IN_RANGE} ORDER BY day DESC, order_id LIMIT 1000`,
} as const;

export type WarehouseQuery = keyof typeof warehouseQueries;

/** The first and last day (inclusive, `YYYY-MM-DD`) a ranged query covers. */
export interface DateRange {
  readonly from: string;
  readonly to: string;
}

/** Every day there is: the range of a query asked without one. */
export const ALL_DAYS: DateRange = { from: '0000-01-01', to: '9999-12-31' };

/** Whether a query takes the date range (its two `?` parameters). */
export const isRanged = (query: WarehouseQuery): boolean => warehouseQueries[query].includes('?');

/** The positional parameters of `query` for `range`: [from, to] for ranged queries, none otherwise. */
export const warehouseParams = (query: WarehouseQuery, range: DateRange = ALL_DAYS): string[] => (isRanged(query) ? [range.from, range.to] : []);
