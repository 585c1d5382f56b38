/**
 * @strata/write-model/dynamodb — the DynamoDB `EventStore` (one item per commit, one conditional
 * put per command), the table helper for local use, and the change feed on AWS: the Lambda
 * Streams record decoder and a Streams-API poller.
 */
export { createDynamoEventStore, type CapacityReport, type DynamoEventStoreOptions } from './adapters/eventStore.dynamodb.js';
export { MAX_ITEM_BYTES, MalformedCommitError, TABLE_KEY, compact, itemSize, toItem, writeUnits } from './adapters/dynamodb/item.js';
export { ensureEventTable } from './adapters/dynamodb/table.js';
export {
  createDynamoStreamsFeed,
  decodeStreamRecord,
  type DynamoDBStreamEvent,
  type DynamoDBStreamRecord,
  type DynamoStreamsFeedOptions,
  type StreamAttributeValue,
} from './adapters/dynamodb/streams.js';
export { createTableScanFeed, parseScanPosition, type TableScanOptions, type TableScanProgress } from './adapters/dynamodb/scan.js';
