-- Athena (engine v3, Trino SQL): the warehouse relations as views over the Glue table `events` that the
-- DataLake construct (infra/src/dataLake.ts) defines in the lake database `<project>_lake` (`strata_lake` by
-- default): the lake row columns (event_id, stream_id, stream_version, occurred_at, payload as JSON text, ...)
-- plus the partition keys `type` and `dt`, found by partition projection. Athena runs one statement per query:
-- the CDK app saves each statement below as the named query `prelude-<n>-<view>` in the `<project>-analytics`
-- workgroup; run them once, in order, in the lake database, then the analytics queries (one named query each).
-- Hand-written (nothing local runs Trino); a unit test checks the views cover what the analytics queries read.

-- The lake is at least once (Firehose retries, replays): one row per event id.
CREATE OR REPLACE VIEW lake_events AS
SELECT event_id, stream_id, stream_version, occurred_at, payload, type
FROM (
  SELECT event_id, stream_id, stream_version, occurred_at, payload, type,
         row_number() OVER (PARTITION BY event_id ORDER BY dt) AS copy_rank
  FROM events
) AS e
WHERE copy_rank = 1;

CREATE OR REPLACE VIEW orders AS
WITH placed AS (
  SELECT json_extract_scalar(payload, '$.orderId') AS order_id, json_extract_scalar(payload, '$.customerId') AS customer_id,
         json_extract_scalar(payload, '$.currency') AS currency, CAST(json_extract_scalar(payload, '$.total') AS BIGINT) AS total,
         substr(occurred_at, 1, 10) AS day, json_extract_scalar(payload, '$.shippingAddress.country') AS country, stream_id
  FROM lake_events WHERE type = 'OrderPlaced'
),
last_status AS (
  SELECT stream_id, max_by(type, stream_version) AS last_type
  FROM lake_events
  WHERE type IN ('OrderPlaced', 'OrderConfirmed', 'OrderShipped', 'OrderDelivered', 'OrderCancelled')
  GROUP BY stream_id
)
SELECT p.order_id, p.customer_id, p.currency, p.total, p.day, p.country,
       CASE s.last_type WHEN 'OrderPlaced' THEN 'placed' WHEN 'OrderConfirmed' THEN 'confirmed' WHEN 'OrderShipped' THEN 'shipped'
                        WHEN 'OrderDelivered' THEN 'delivered' ELSE 'cancelled' END AS status
FROM placed p JOIN last_status s ON s.stream_id = p.stream_id;

CREATE OR REPLACE VIEW order_lines AS
SELECT json_extract_scalar(e.payload, '$.orderId') AS order_id,
       json_extract_scalar(item, '$.productId') AS product_id,
       json_extract_scalar(item, '$.productName') AS product_name,
       CAST(json_extract_scalar(item, '$.quantity') AS BIGINT) AS quantity,
       CAST(json_extract_scalar(item, '$.unitPrice') AS BIGINT) AS unit_price
FROM lake_events e
CROSS JOIN UNNEST(CAST(json_extract(json_parse(e.payload), '$.items') AS ARRAY(JSON))) AS t (item)
WHERE e.type = 'OrderPlaced';

CREATE OR REPLACE VIEW payments AS
SELECT stream_id AS payment_id, min_by(json_extract_scalar(payload, '$.customerId'), stream_version) AS customer_id,
       CASE max_by(type, stream_version) WHEN 'PaymentRequested' THEN 'requested' WHEN 'PaymentAuthorized' THEN 'authorized'
         WHEN 'PaymentDeclined' THEN 'declined' WHEN 'PaymentCaptured' THEN 'captured' WHEN 'PaymentVoided' THEN 'voided' ELSE 'refunded' END AS status
FROM lake_events
WHERE type LIKE 'Payment%'
GROUP BY stream_id;

CREATE OR REPLACE VIEW feedback AS
SELECT json_extract_scalar(payload, '$.orderId') AS order_id, json_extract_scalar(payload, '$.customerId') AS customer_id,
       CAST(json_extract_scalar(payload, '$.rating') AS INTEGER) AS rating, json_extract_scalar(payload, '$.category') AS category
FROM lake_events
WHERE type = 'FeedbackSubmitted';
