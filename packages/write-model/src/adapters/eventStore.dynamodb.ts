import { ConditionalCheckFailedException, TransactionCanceledException, type ConsumedCapacity, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  CommitTooLargeError,
  EventStoreUnavailableError,
  GENESIS_HASH,
  StreamTooLargeError,
  sealCommit,
  type AppendRequest,
  type AppendResult,
  type EventEnvelope,
  type StreamCondition,
  type EventStore,
  type ReadStreamOptions,
  type StreamSlice,
} from '@strata/events';
import { DEFAULT_MAX_READ_EVENTS, conditionConflict, conflict, duplicateResult, expectationHolds, validateAppend } from './common.js';
import { MAX_ITEM_BYTES, compact, fromItem, itemSize, toItem } from './dynamodb/item.js';

/** What one request to the table cost, reported when `onConsumedCapacity` is given. */
export interface CapacityReport {
  readonly operation: 'put' | 'query' | 'transact';
  readonly capacity: ConsumedCapacity;
  /** The item's size as computed before a put (DynamoDB bills one write unit per started 1 KB). */
  readonly itemBytes?: number;
}

export interface DynamoEventStoreOptions {
  /** The caller owns the client (`close` leaves it open). */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Largest commit item accepted, in bytes as DynamoDB counts them. @default 400 KB (DynamoDB's limit) */
  readonly maxCommitBytes?: number;
  /** Largest stream `readStream` returns without a `limit`. @default 10,000 */
  readonly maxReadEvents?: number;
  /** Attempts of an `any` append that keeps losing the race for the next version. @default 25 */
  readonly maxAnyRetries?: number;
  /**
   * Take an `exact` expectation that carries the tail hash, and a `no-stream` expectation, on
   * trust: no read before the put, so a command costs one request. Safe for callers that got the
   * hash by reading the stream to its end, or that know the stream is new (the command handler
   * does); a stale hash at the right version, or a version inside a commit, is then not detected.
   * A retried `no-stream` commit still answers as a duplicate: the put's condition failure
   * returns the item it collided with. @default false (one strongly consistent read first)
   */
  readonly trustExpectedHash?: boolean;
  /** Asks DynamoDB for `ReturnConsumedCapacity: TOTAL` and reports it per request (benchmarks, metrics). */
  readonly onConsumedCapacity?: (report: CapacityReport) => void;
}

interface Commit {
  readonly events: readonly EventEnvelope[];
}

const tailOf = (commits: readonly Commit[]): { version: number; hash: string } => {
  const last = commits[commits.length - 1]?.events.at(-1);
  return last === undefined ? { version: 0, hash: GENESIS_HASH } : { version: last.streamVersion, hash: last.hash };
};

/**
 * The `EventStore` on one DynamoDB table, one item per commit (docs/decisions/0001): every
 * append is ONE conditional PutItem keyed (stream, first version of the commit), so two writers
 * expecting the same version collide on the same key and exactly one wins. No transaction.
 *
 * Before the put the store reads, strongly consistently: with `exact` + `hash` only the tail
 * item (to refuse a stale hash); with `any` / `no-stream` / `exact` without hash the stream's
 * commits, which also finds an earlier commit of the same command id (idempotent retries).
 * With `trustExpectedHash` an `exact` + `hash` or a `no-stream` append reads nothing.
 *
 * An append with `conditions` on other streams (an order priced from the catalogue, decision
 * 0007) is a TransactWriteItems instead: the same conditional Put plus one ConditionCheck per
 * condition that the key (stream, expected version + 1) is free — no commit was made after the
 * expected version. Without `trustExpectedHash` the tail of each condition stream is read first,
 * so an expected version the stream never reached is refused too. Only appends with conditions
 * pay for the transaction (2 write units per KB per item); a plain append stays one PutItem.
 */
export const createDynamoEventStore = (options: DynamoEventStoreOptions): EventStore => {
  const { tableName, onConsumedCapacity } = options;
  const maxCommitBytes = options.maxCommitBytes ?? MAX_ITEM_BYTES;
  const maxReadEvents = options.maxReadEvents ?? DEFAULT_MAX_READ_EVENTS;
  const maxAnyRetries = options.maxAnyRetries ?? 25;
  const trustExpectedHash = options.trustExpectedHash ?? false;
  const doc = DynamoDBDocumentClient.from(options.client);
  const capacity = onConsumedCapacity === undefined ? {} : { ReturnConsumedCapacity: 'TOTAL' as const };

  const unavailable = (what: string, cause: unknown): EventStoreUnavailableError =>
    new EventStoreUnavailableError(`DynamoDB ${what} on ${tableName} failed`, { cause });

  /** Queries one stream's commits in key order (or reverse), page by page, until `enough`. */
  const queryCommits = async (
    streamId: string,
    query: Pick<QueryCommandInput, 'ScanIndexForward' | 'Limit'> & { fromSk?: number; toSk?: number },
    enough: (commits: readonly Commit[]) => boolean = () => false,
  ): Promise<Commit[]> => {
    const { fromSk, toSk, ...rest } = query;
    const range = fromSk !== undefined ? ' AND sk >= :from' : toSk !== undefined ? ' AND sk <= :to' : '';
    const commits: Commit[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      let page;
      try {
        page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: `pk = :s${range}`,
            ExpressionAttributeValues: { ':s': streamId, ...(fromSk === undefined ? {} : { ':from': fromSk }), ...(toSk === undefined ? {} : { ':to': toSk }) },
            ConsistentRead: true,
            ...rest,
            ...capacity,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        );
      } catch (error) {
        throw unavailable('Query', error);
      }
      if (page.ConsumedCapacity !== undefined) onConsumedCapacity?.({ operation: 'query', capacity: page.ConsumedCapacity });
      for (const item of page.Items ?? []) commits.push({ events: fromItem(item) });
      start = page.LastEvaluatedKey;
    } while (start !== undefined && query.Limit === undefined && !enough(commits));
    return commits;
  };

  const readTail = async (streamId: string): Promise<Commit[]> => queryCommits(streamId, { ScanIndexForward: false, Limit: 1 });

  /**
   * The conditional put plus one ConditionCheck per condition, in one transaction. 'ok', or the
   * duplicate answer / `undefined` (an `any` append lost the race) as a plain put would give.
   */
  const transact = async (
    request: AppendRequest,
    item: ReturnType<typeof compact>,
    bytes: number,
    conditions: readonly StreamCondition[],
  ): Promise<'ok' | AppendResult | undefined> => {
    try {
      const result = await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
            // Commits are keyed by their first version: (stream, v + 1) is free exactly while the stream is at v or below.
            ...conditions.map((c) => ({
              ConditionCheck: { TableName: tableName, Key: { pk: c.streamId, sk: c.expectedVersion + 1 }, ConditionExpression: 'attribute_not_exists(pk)' },
            })),
          ],
          ...capacity,
        }),
      );
      for (const consumed of result.ConsumedCapacity ?? []) onConsumedCapacity?.({ operation: 'transact', capacity: consumed, itemBytes: bytes });
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw unavailable('TransactWriteItems', error);
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') {
        const winner = reasons[0].Item === undefined ? undefined : fromItem(unmarshall(reasons[0].Item));
        if (winner?.[0]?.commandId === request.meta.commandId) return duplicateResult(request, winner);
        if (request.expected.kind === 'any') return undefined;
        throw conflict(request, winner?.at(-1)?.streamVersion, error);
      }
      const failed = conditions.findIndex((_, i) => reasons[i + 1]?.Code === 'ConditionalCheckFailed');
      const condition = conditions[failed];
      if (condition !== undefined) throw conditionConflict(condition, undefined, error);
      // Cancelled for another reason (a concurrent transaction on the same items): the caller retries.
      throw conflict(request, undefined, error);
    }
    return 'ok';
  };

  /** One attempt; `undefined` means an `any` append lost a race and should read again. */
  const tryAppend = async (request: AppendRequest): Promise<AppendResult | undefined> => {
    const { streamId, expected, meta } = request;
    // A trusted caller that read the stream gives its tail: the hash with `exact`, and the genesis
    // with `no-stream` (it found no stream). The key condition of the put refuses a stale one.
    const givenTail =
      expected.kind === 'exact' && expected.hash !== undefined
        ? { version: expected.version, hash: expected.hash }
        : expected.kind === 'no-stream' && trustExpectedHash
          ? { version: 0, hash: GENESIS_HASH }
          : undefined;
    // Without a given tail all commits are read (the tail, and this command id if it committed
    // before); with one, only the tail item, to refuse a stale hash — or nothing when trusted.
    let commits = givenTail === undefined ? await queryCommits(streamId, {}) : trustExpectedHash ? undefined : await readTail(streamId);
    const committedBefore = (): Commit | undefined => commits?.find((c) => c.events[0]?.commandId === meta.commandId);
    if (givenTail === undefined) {
      const original = committedBefore();
      if (original !== undefined) return duplicateResult(request, original.events);
    }
    const tail = commits === undefined ? (givenTail ?? tailOf([])) : tailOf(commits);
    if (!expectationHolds(request, tail)) {
      // A stale expectation may be the retry of a command that did commit: look for it first.
      if (givenTail !== undefined) commits = await queryCommits(streamId, {});
      const original = committedBefore();
      if (original !== undefined) return duplicateResult(request, original.events);
      throw conflict(request, tail.version);
    }

    const sealed = sealCommit(streamId, tail, request.events, meta);
    const plain = toItem(sealed);
    const plainBytes = itemSize(plain);
    if (plainBytes > maxCommitBytes) throw new CommitTooLargeError(streamId, plainBytes, maxCommitBytes);
    const item = compact(plain);
    const bytes = itemSize(item);
    const conditions = request.conditions ?? [];
    if (conditions.length > 0) {
      if (!trustExpectedHash)
        for (const c of conditions) {
          const version = tailOf(await readTail(c.streamId)).version;
          if (version !== c.expectedVersion) throw conditionConflict(c, version);
        }
      const outcome = await transact(request, item, bytes, conditions);
      if (outcome !== 'ok') return outcome;
      return { streamId, version: tail.version + sealed.length, events: sealed, duplicate: false };
    }
    try {
      const put = await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          // The key (stream, tail + 1) is free exactly when nobody committed after the tail we read.
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...capacity,
        }),
      );
      if (put.ConsumedCapacity !== undefined) onConsumedCapacity?.({ operation: 'put', capacity: put.ConsumedCapacity, itemBytes: bytes });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw unavailable('PutItem', error);
      // The winner's item comes back with the failure, free: is it this very command?
      const winner = error.Item === undefined ? undefined : fromItem(unmarshall(error.Item));
      if (winner?.[0]?.commandId === meta.commandId) return duplicateResult(request, winner);
      if (expected.kind === 'any') return undefined;
      throw conflict(request, winner?.at(-1)?.streamVersion, error);
    }
    return { streamId, version: tail.version + sealed.length, events: sealed, duplicate: false };
  };

  return {
    async append(request) {
      validateAppend(request);
      for (let attempt = 0; attempt < maxAnyRetries; attempt++) {
        const result = await tryAppend(request);
        if (result !== undefined) return result;
      }
      throw conflict(request, undefined);
    },

    async readStream(streamId: string, opts: ReadStreamOptions = {}): Promise<StreamSlice> {
      const from = Math.max(1, opts.fromVersion ?? 1);
      const limit = opts.limit ?? maxReadEvents + 1;
      // The commit holding `from` starts at or before it: find its key, then read forward.
      const [holder] = from === 1 ? [] : await queryCommits(streamId, { ScanIndexForward: false, Limit: 1, toSk: from });
      const fromSk = holder?.events[0]?.streamVersion ?? from;
      const inWindow = (commits: readonly Commit[]): EventEnvelope[] =>
        commits.flatMap((c) => c.events).filter((e) => e.streamVersion >= from);
      const commits = await queryCommits(streamId, { fromSk }, (cs) => inWindow(cs).length >= limit);
      const events = inWindow(commits);
      if (opts.limit === undefined && events.length > maxReadEvents) throw new StreamTooLargeError(streamId, maxReadEvents);
      // Below the limit the query ran to the stream's end; otherwise the tail is read apart.
      const ranToEnd = events.length < limit && (commits.length > 0 || from === 1);
      const last = tailOf(ranToEnd ? commits : await readTail(streamId));
      return { streamId, version: last.version, events: events.slice(0, limit) };
    },

    close: () => Promise.resolve(),
  };
};
