-- Generated from packages/projections/src/warehouse/sql.ts (npx tsx packages/projections/src/warehouse/files.ts); edit there.
-- DuckDB views over the local lake. Replace '{{lake_glob}}' with the Parquet glob (<lake>/events/**/*.parquet)
-- before running; `openWarehouse` does so. `events` here is the deduplicated lake, one row per event id.
CREATE OR REPLACE VIEW events AS
  SELECT DISTINCT ON (event_id) * FROM read_parquet('{{lake_glob}}', hive_partitioning = true, union_by_name = true);
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
