import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  waitUntilTableExists,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { TABLE_KEY } from './item.js';

/**
 * Creates the event table when it is missing (DynamoDB Local, tests, benchmarks; on AWS the CDK
 * app owns it) and waits until it is active. The stream (NEW_IMAGE) feeds the projections.
 * @returns the table's stream ARN.
 */
export const ensureEventTable = async (client: DynamoDBClient, tableName: string): Promise<{ streamArn: string }> => {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: TABLE_KEY.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEY.sortKey, AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: TABLE_KEY.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEY.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: tableName });
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = (Table as TableDescription | undefined)?.LatestStreamArn;
  if (streamArn === undefined) throw new Error(`table ${tableName} has no stream; enable StreamSpecification NEW_IMAGE`);
  return { streamArn };
};
