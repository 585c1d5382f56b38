import { describe, expect, it } from '@jest/globals';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { GENESIS_HASH, sealCommit, verifyChain } from '@strata/events';
import { testEvents, testMeta } from '../../testing.js';
import { compact, itemSize, toItem, type CommitItem } from './item.js';
import { decodeStreamRecord, type DynamoDBStreamRecord } from './streams.js';

/** The JSON a Lambda function receives: binaries as base64 text, numbers as strings. */
const toLambdaJson = (item: CommitItem): DynamoDBStreamRecord => {
  const lambdaJson = (attributes: Record<string, AttributeValue>) =>
    Object.fromEntries(Object.entries(attributes).map(([name, v]) => [name, v.B === undefined ? v : { B: Buffer.from(v.B).toString('base64') }]));
  return {
    eventName: 'INSERT',
    dynamodb: { Keys: lambdaJson(marshall({ pk: item.pk, sk: item.sk })), NewImage: lambdaJson(marshall(item)), SequenceNumber: '4000000000000000001' },
  };
};

const commit = (count: number, causationId?: string) => {
  const meta = { ...testMeta(crypto.randomUUID()), ...(causationId === undefined ? {} : { causationId }) };
  return sealCommit('Order-42', { version: 4, hash: GENESIS_HASH.replace(/^0/, 'a') }, testEvents(count), meta);
};

describe('decodeStreamRecord', () => {
  it('decodes a Lambda INSERT record (base64 binaries) into the commit envelopes', () => {
    const events = commit(3, 'cause-1');
    const record = toLambdaJson(toItem(events));
    expect(typeof (record.dynamodb?.NewImage?.h as { B: unknown }).B).toBe('string');
    expect(decodeStreamRecord(record)).toEqual(events);
  });

  it('decodes a compressed commit (more than 1 KB of events)', () => {
    const events = commit(6);
    const item = compact(toItem(events));
    expect(item.e).toBeInstanceOf(Uint8Array);
    expect(itemSize(item)).toBeLessThan(itemSize(toItem(events)));
    expect(decodeStreamRecord(toLambdaJson(item))).toEqual(events);
  });

  it('keeps the hash chain verifiable through the item layout', () => {
    const events = sealCommit('Order-7', { version: 0, hash: GENESIS_HASH }, testEvents(2), testMeta('c-1'));
    expect(verifyChain(decodeStreamRecord(toLambdaJson(toItem(events))))).toEqual({ ok: true, events: 2 });
  });

  it.each(['MODIFY', 'REMOVE'] as const)('ignores %s records', (eventName) => {
    const record = toLambdaJson(toItem(commit(1)));
    expect(decodeStreamRecord({ ...record, eventName })).toEqual([]);
  });
});

describe('itemSize', () => {
  it('counts attribute names and values as DynamoDB bills them', () => {
    const item = toItem(commit(1));
    const names = Object.keys(item).join('').length;
    const strings = [item.pk, item.c, item.t, item.a, item.co, item.e as string].reduce((n, s) => n + Buffer.byteLength(s), 0);
    // sk = 5 → 1 significant digit → 2 bytes; f, p and h are 32-byte binaries.
    expect(itemSize(item)).toBe(names + strings + 2 + 32 * 3);
  });
});
