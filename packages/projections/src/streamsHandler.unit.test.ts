import { describe, expect, it } from '@jest/globals';
import type { DomainEnvelope, EventEnvelope } from '@strata/events';
import { memoryDeadLetters, type ProjectionSink } from './sink.js';
import { createStreamBatchHandler, type StreamRecord } from './streamsHandler.js';
import { customerRegistered, eventWriter } from './testing.js';

const write = eventWriter();
const events = [1, 2, 3, 4].map((i) => customerRegistered(write, `s${i}`));
// The test decoder reads the envelopes straight off the record (the real one unmarshals NewImage).
const record = (i: number, envelopes: EventEnvelope[]): StreamRecord => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: String(100 + i), NewImage: { envelopes } } });
const decode = (r: StreamRecord) => (r.dynamodb?.NewImage as { envelopes: EventEnvelope[] }).envelopes;

const recordingSink = (failOn?: string): ProjectionSink & { seen: DomainEnvelope[] } => {
  const seen: DomainEnvelope[] = [];
  return {
    name: 'relational',
    seen,
    async apply(batch) {
      if (batch.some((e) => e.eventId === failOn)) throw new Error('database down');
      seen.push(...batch);
    },
    async checkpoint() {
      return '';
    },
  };
};

describe('DynamoDB Streams batch handler', () => {
  it('applies every record and dead-letters a poison event without failing the batch', async () => {
    const sink = recordingSink();
    const deadLetters = memoryDeadLetters();
    const poison = { ...events[1]!, type: 'Unknown' };
    const handler = createStreamBatchHandler({ decode, sinks: [sink], deadLetters });
    const res = await handler({ Records: [record(0, [events[0]!]), record(1, [poison]), record(2, [events[2]!]), { eventName: 'REMOVE', dynamodb: { SequenceNumber: '103' } }] });
    expect(res).toEqual({ batchItemFailures: [] });
    expect(sink.seen.map((e) => e.eventId)).toEqual([events[0]!.eventId, events[2]!.eventId]);
    expect((await deadLetters.list()).map((l) => l.envelope.eventId)).toEqual([poison.eventId]);
  });

  it('reports the failing record and every later one when a sink fails', async () => {
    const sink = recordingSink(events[2]!.eventId);
    const handler = createStreamBatchHandler({ decode, sinks: [sink], deadLetters: memoryDeadLetters() });
    const res = await handler({ Records: events.map((e, i) => record(i, [e])) });
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '102' }, { itemIdentifier: '103' }]);
  });

  it('skips and reports a record the decoder rejects', async () => {
    const rejected: StreamRecord[] = [];
    const sink = recordingSink();
    const bad: StreamRecord = { eventName: 'INSERT', dynamodb: { SequenceNumber: '9' } };
    const handler = createStreamBatchHandler({
      decode: (r) => {
        if (r === bad) throw new Error('not a commit');
        return decode(r);
      },
      sinks: [sink],
      deadLetters: memoryDeadLetters(),
      onUndecodableRecord: (r) => rejected.push(r),
    });
    expect(await handler({ Records: [bad, record(0, [events[0]!])] })).toEqual({ batchItemFailures: [] });
    expect(rejected).toEqual([bad]);
    expect(sink.seen).toHaveLength(1);
  });
});
