import { DeleteTableCommand, DynamoDBClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { createTestApi } from '@strata/api/testing';
import { runApiFuzz } from '@strata/api/testing/fuzz';
import { createDynamoEventStore, createDynamoStreamsFeed, ensureEventTable } from '@strata/write-model/dynamodb';
import { describeWith, dynamoEndpoint } from '@strata/test-env';

/*
 * The bad-input property (issue 11) with the API on DynamoDB Local: commits go to a fresh table,
 * the read side follows its stream. The snapshot is a scan of the whole table, so a refused
 * request that wrote anything anywhere is caught. (Here rather than in @strata/api, which does
 * not depend on the DynamoDB clients.)
 */
describeWith('DYNAMODB', 'API fuzz on DynamoDB Local', () => {
  runApiFuzz(
    'DynamoDB Local',
    async () => {
      const connection = { endpoint: dynamoEndpoint(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
      const client = new DynamoDBClient(connection);
      const streamsClient = new DynamoDBStreamsClient(connection);
      const tableName = `strata-t-${crypto.randomUUID()}`;
      const { streamArn } = await ensureEventTable(client, tableName);
      const store = createDynamoEventStore({ client, tableName });
      const feed = createDynamoStreamsFeed({ streamsClient, streamArn });
      const api = await createTestApi({ eventStore: Object.assign(store, { readFeed: feed.readFeed.bind(feed) }), options: { readYourWritesTimeoutMs: 10_000 } });
      const scan = async (): Promise<unknown[]> => {
        const items: unknown[] = [];
        let start: ScanCommandOutput['LastEvaluatedKey'];
        do {
          const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
          items.push(...(page.Items ?? []));
          start = page.LastEvaluatedKey;
        } while (start !== undefined);
        return items.map((i) => JSON.stringify(i)).sort();
      };
      return {
        api,
        snapshot: scan,
        teardown: async () => {
          await api.close();
          await client.send(new DeleteTableCommand({ TableName: tableName }));
          client.destroy();
          streamsClient.destroy();
        },
      };
    },
    { numRuns: 40, timeoutMs: 300_000 },
  );
});
