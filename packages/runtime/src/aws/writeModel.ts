/**
 * The write model alone over the DynamoDB table, for the Lambdas that only run commands and read
 * streams (payment step, notification): no read model, cache or identity to open on a cold start.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createWriteModel, type WriteModel } from '@strata/write-model';
import { createDynamoEventStore } from '@strata/write-model/dynamodb';
import { ConfigError, type Config } from '../config.js';
import { EnvKey } from '../names.js';

export const dynamoWriteModel = (config: Config): WriteModel => {
  const c = config.store;
  if (c.kind !== 'dynamodb') throw new ConfigError([`${EnvKey.store}=dynamodb is required on AWS (got ${c.kind})`]);
  const client = new DynamoDBClient({ region: c.region, ...(c.endpoint ? { endpoint: c.endpoint } : {}) });
  // Commands load the stream they append to, so the store may trust the expected hash (decision 0001).
  return createWriteModel({ eventStore: createDynamoEventStore({ client, tableName: c.tableName, trustExpectedHash: true }) });
};
