/**
 * Names shared by the CDK app and the runtime: environment keys, event sources and table key
 * attributes. One `as const` module so infra and code cannot drift apart.
 */
export const EnvKey = {
  store: 'STRATA_STORE',
  tableName: 'STRATA_TABLE_NAME',
  dynamoEndpoint: 'DYNAMODB_ENDPOINT',
  databaseUrl: 'DATABASE_URL',
  databaseSecretArn: 'STRATA_DATABASE_SECRET_ARN',
  redisUrl: 'REDIS_URL',
  dataDir: 'STRATA_DATA_DIR',
  port: 'STRATA_PORT',
  host: 'STRATA_HOST',
  logLevel: 'STRATA_LOG_LEVEL',
  identity: 'STRATA_IDENTITY',
  userPoolId: 'STRATA_USER_POOL_ID',
  userPoolClientId: 'STRATA_USER_POOL_CLIENT_ID',
  lakeStream: 'STRATA_LAKE_STREAM',
  eventBus: 'STRATA_EVENT_BUS',
  providerUrl: 'STRATA_PROVIDER_URL',
  corsOrigins: 'STRATA_CORS_ORIGINS',
  rateLimitPerMinute: 'STRATA_RATE_LIMIT_PER_MINUTE',
  notificationTopicArn: 'STRATA_NOTIFICATION_TOPIC_ARN',
  holdSweepSeconds: 'STRATA_HOLD_SWEEP_SECONDS',
  readYourWritesMs: 'STRATA_READ_YOUR_WRITES_MS',
  demoCatalogue: 'STRATA_DEMO_CATALOGUE',
} as const;
export type EnvKey = (typeof EnvKey)[keyof typeof EnvKey];

/** EventBridge `source` of the events Strata publishes, by stream category. */
export const EventSource = {
  Order: 'strata.orders',
  Payment: 'strata.payments',
  Customer: 'strata.customers',
  Feedback: 'strata.feedback',
  Product: 'strata.products',
} as const;

export const DEFAULTS = {
  port: 3000,
  host: '127.0.0.1',
  dataDir: '.strata',
  tableName: 'strata-events',
  apiStageName: 'showcase',
  /** Between two hold-expiry sweeps: hourly, locally and on AWS (the CDK schedule uses it too). */
  holdSweepSeconds: 3600,
  /** How long a command waits for the read model to show it before answering (read-your-writes). */
  readYourWritesMs: 2000,
} as const;
