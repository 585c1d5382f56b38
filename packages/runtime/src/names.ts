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
  /** The port most hosting platforms set; STRATA_PORT wins when both are set. */
  platformPort: 'PORT',
  roles: 'STRATA_ROLES',
  /** The URL clients use (the local issuer's `iss`): one value for every process of an engine. */
  publicUrl: 'STRATA_PUBLIC_URL',
  processes: 'STRATA_PROCESSES',
  workers: 'STRATA_WORKERS',
  partitions: 'STRATA_PARTITIONS',
  leaseTtlMs: 'STRATA_LEASE_TTL_MS',
  headersTimeoutMs: 'STRATA_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'STRATA_REQUEST_TIMEOUT_MS',
  keepAliveTimeoutMs: 'STRATA_KEEP_ALIVE_TIMEOUT_MS',
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
  /** A lease not renewed for this long is taken over by another process (kill -9: within it). */
  leaseTtlMs: 5000,
  /** Partitions of the consumers that may run in parallel (saga routing), by stream hash. */
  partitions: 4,
  /** Slow clients: whole header block, whole request (body included), idle keep-alive. */
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
} as const;

/**
 * Metric names (issue 17, decision 0011), shared by the runtime and the CDK dashboard/alarms.
 * `prometheus` is the name on `GET /metrics` (prom-client); `cloudwatch` the name the Lambda entry
 * points emit as embedded-metric-format lines in `METRICS_NAMESPACE` (Powertools Metrics), with
 * `dimensions` as CloudWatch dimensions (the Prometheus labels are their lower-case forms).
 */
export const METRICS_NAMESPACE = 'Strata';
export const Metric = {
  httpRequests: { prometheus: 'strata_http_requests_total', cloudwatch: 'HttpRequests', dimensions: ['Route', 'Status'] },
  httpDuration: { prometheus: 'strata_http_request_duration_seconds', cloudwatch: 'HttpRequestDuration', dimensions: ['Route'] },
  commands: { prometheus: 'strata_commands_total', cloudwatch: 'Commands', dimensions: ['Command', 'Outcome'] },
  eventsAppended: { prometheus: 'strata_events_appended_total', cloudwatch: 'EventsAppended', dimensions: ['Stream'] },
  projectionPages: { prometheus: 'strata_projection_pages_total', cloudwatch: 'ProjectionPages', dimensions: ['Projection'] },
  projectionEvents: { prometheus: 'strata_projection_events_total', cloudwatch: 'ProjectionEvents', dimensions: ['Projection'] },
  routedEvents: { prometheus: 'strata_routed_events_total', cloudwatch: 'RoutedEvents', dimensions: ['Type'] },
  sagaExecutions: { prometheus: 'strata_saga_executions_total', cloudwatch: 'SagaExecutions', dimensions: ['Workflow', 'Outcome'] },
  sagaDuration: { prometheus: 'strata_saga_execution_duration_seconds', cloudwatch: 'SagaExecutionDuration', dimensions: ['Workflow'] },
  sagaSteps: { prometheus: 'strata_saga_steps_total', cloudwatch: 'SagaSteps', dimensions: ['Step', 'Outcome'] },
  providerCalls: { prometheus: 'strata_provider_calls_total', cloudwatch: 'ProviderCalls', dimensions: ['Operation', 'Outcome'] },
  deadLetters: { prometheus: 'strata_dead_letters_total', cloudwatch: 'DeadLetters', dimensions: ['Source'] },
} as const;
export type MetricKey = keyof typeof Metric;
/**
 * Projection lag, measured at scrape time from the change feed (`/metrics` only). On AWS the
 * same question is answered by the projector's `IteratorAge` (Lambda's own metric).
 */
export const LagGauge = { events: 'strata_projection_lag_events', seconds: 'strata_projection_lag_seconds' } as const;
