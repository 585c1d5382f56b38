-- Redshift Serverless: the warehouse relations as late-binding views over the S3 lake through Redshift
-- Spectrum, so Redshift reads the very rows Athena and DuckDB read and nothing is copied or kept in sync.
-- (The alternative, COPY into a native table, would need a reload schedule, and the Parquet files do not
-- hold the event type: it is the `type=` partition of their path.)
--
-- Setup, once, as the admin user in the `strata` database of the `<project>-warehouse` workgroup:
--   * the external schema `lake` maps the Glue database of the DataLake construct (`<project>_lake`,
--     `strata_lake` by default; change the name below for another project name) and reads it with the
--     namespace's default IAM role (infra/src/warehouse.ts grants it the bucket and the Glue catalog).
--   * Spectrum does not use Athena's partition projection: it reads the partitions registered in Glue.
--     Register each new day's partitions before querying it, e.g. from Redshift
--       ALTER TABLE lake.events ADD IF NOT EXISTS
--         PARTITION (type = 'OrderPlaced', dt = '2026-11-24') LOCATION 's3://<lake bucket>/events/type=OrderPlaced/dt=2026-11-24/';
--     (or `MSCK REPAIR TABLE events` in Athena, or a Glue crawler on `events/`).
-- Views over external tables must be late-binding (WITH NO SCHEMA BINDING) and name every table with its
-- schema; they live in `public`, on the default search path, so the analytics queries run unchanged.
-- JSON: JSON_EXTRACT_PATH_TEXT over the payload text; the order lines are unnested by joining positions
-- 0..99 (an order has at most 100 lines, MAX_ORDER_ITEMS in the write model).
-- Hand-written (nothing local runs Redshift); a unit test checks the views cover what the analytics queries read.

CREATE EXTERNAL SCHEMA IF NOT EXISTS lake FROM DATA CATALOG DATABASE 'strata_lake' IAM_ROLE default;

-- The lake is at least once (Firehose retries, replays): one row per event id.
CREATE OR REPLACE VIEW public.lake_events AS
SELECT event_id, stream_id, stream_version, occurred_at, payload, type
FROM (
  SELECT event_id, stream_id, stream_version, occurred_at, payload, type,
         ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY dt) AS copy_rank
  FROM lake.events
) AS e
WHERE copy_rank = 1
WITH NO SCHEMA BINDING;

CREATE OR REPLACE VIEW public.orders AS
WITH placed AS (
  SELECT JSON_EXTRACT_PATH_TEXT(payload, 'orderId') AS order_id, JSON_EXTRACT_PATH_TEXT(payload, 'customerId') AS customer_id,
         JSON_EXTRACT_PATH_TEXT(payload, 'currency') AS currency, CAST(JSON_EXTRACT_PATH_TEXT(payload, 'total') AS BIGINT) AS total,
         SUBSTRING(occurred_at, 1, 10) AS day, JSON_EXTRACT_PATH_TEXT(payload, 'shippingAddress', 'country') AS country, stream_id
  FROM public.lake_events WHERE type = 'OrderPlaced'
),
last_status AS (
  SELECT stream_id, type AS last_type
  FROM (
    SELECT stream_id, type, ROW_NUMBER() OVER (PARTITION BY stream_id ORDER BY stream_version DESC) AS recency
    FROM public.lake_events
    WHERE type IN ('OrderPlaced', 'OrderConfirmed', 'OrderShipped', 'OrderDelivered', 'OrderCancelled')
  ) AS s
  WHERE recency = 1
)
SELECT p.order_id, p.customer_id, p.currency, p.total, p.day, p.country,
       CASE s.last_type WHEN 'OrderPlaced' THEN 'placed' WHEN 'OrderConfirmed' THEN 'confirmed' WHEN 'OrderShipped' THEN 'shipped'
                        WHEN 'OrderDelivered' THEN 'delivered' ELSE 'cancelled' END AS status
FROM placed p JOIN last_status s ON s.stream_id = p.stream_id
WITH NO SCHEMA BINDING;

CREATE OR REPLACE VIEW public.order_lines AS
WITH digits AS (
  SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
  UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9
),
positions AS (
  SELECT tens.d * 10 + ones.d AS i FROM digits tens CROSS JOIN digits ones
),
placed AS (
  SELECT JSON_EXTRACT_PATH_TEXT(payload, 'orderId') AS order_id, JSON_EXTRACT_PATH_TEXT(payload, 'items') AS items
  FROM public.lake_events WHERE type = 'OrderPlaced'
),
lines AS (
  SELECT o.order_id, JSON_EXTRACT_ARRAY_ELEMENT_TEXT(o.items, p.i) AS item
  FROM placed o JOIN positions p ON p.i < JSON_ARRAY_LENGTH(o.items)
)
SELECT order_id,
       JSON_EXTRACT_PATH_TEXT(item, 'productId') AS product_id,
       JSON_EXTRACT_PATH_TEXT(item, 'productName') AS product_name,
       CAST(JSON_EXTRACT_PATH_TEXT(item, 'quantity') AS BIGINT) AS quantity,
       CAST(JSON_EXTRACT_PATH_TEXT(item, 'unitPrice') AS BIGINT) AS unit_price
FROM lines
WITH NO SCHEMA BINDING;

CREATE OR REPLACE VIEW public.payments AS
WITH ranked AS (
  SELECT stream_id, type, JSON_EXTRACT_PATH_TEXT(payload, 'customerId') AS customer_id,
         ROW_NUMBER() OVER (PARTITION BY stream_id ORDER BY stream_version) AS age,
         ROW_NUMBER() OVER (PARTITION BY stream_id ORDER BY stream_version DESC) AS recency
  FROM public.lake_events
  WHERE type LIKE 'Payment%'
)
SELECT f.stream_id AS payment_id, f.customer_id,
       CASE l.type WHEN 'PaymentRequested' THEN 'requested' WHEN 'PaymentAuthorized' THEN 'authorized'
         WHEN 'PaymentDeclined' THEN 'declined' WHEN 'PaymentCaptured' THEN 'captured' WHEN 'PaymentVoided' THEN 'voided' ELSE 'refunded' END AS status
FROM ranked f JOIN ranked l ON l.stream_id = f.stream_id AND l.recency = 1
WHERE f.age = 1
WITH NO SCHEMA BINDING;

CREATE OR REPLACE VIEW public.feedback AS
SELECT JSON_EXTRACT_PATH_TEXT(payload, 'orderId') AS order_id, JSON_EXTRACT_PATH_TEXT(payload, 'customerId') AS customer_id,
       CAST(JSON_EXTRACT_PATH_TEXT(payload, 'rating') AS INTEGER) AS rating, JSON_EXTRACT_PATH_TEXT(payload, 'category') AS category
FROM public.lake_events
WHERE type = 'FeedbackSubmitted'
WITH NO SCHEMA BINDING;
