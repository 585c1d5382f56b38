import { describe, expect, it } from '@jest/globals';
import { FEED_START, type DomainEnvelope } from '@strata/events';
import { createCatchUpConsumer } from './consumer.js';
import { memoryDeadLetters, type ProjectionSink } from './sink.js';
import { customerRegistered, eventWriter, memoryFeed } from './testing.js';

/** A sink that keeps what it applied and cannot apply one customer's events (a projector bug). */
const sinkRejecting = (badCustomer: string, options: { down?: () => boolean } = {}) => {
  const applied: string[] = [];
  let checkpoint = FEED_START;
  const sink: ProjectionSink = {
    name: 'test',
    async apply(events: readonly DomainEnvelope[], next?: string) {
      if (options.down?.()) throw new Error('connection refused');
      if (events.some((e) => e.streamId === `Customer-${badCustomer}`)) throw new Error('projector cannot apply this event');
      applied.push(...events.map((e) => e.streamId));
      if (next !== undefined) checkpoint = next;
    },
    async checkpoint() {
      if (options.down?.()) throw new Error('connection refused');
      return checkpoint;
    },
  };
  return { sink, applied };
};

describe('catch-up consumer: events a projector cannot apply', () => {
  const history = () => {
    const write = eventWriter();
    return ['c1', 'c2', 'c3'].map((id) => customerRegistered(write, id));
  };

  it('retries a failing page, then dead-letters only the event that fails and moves on', async () => {
    const { feed } = memoryFeed(history());
    const { sink, applied } = sinkRejecting('c2');
    const deadLetters = memoryDeadLetters();
    const consumer = createCatchUpConsumer({ feed, sink, deadLetters, maxPageAttempts: 3 });
    await expect(consumer.runOnce()).rejects.toThrow('cannot apply');
    await expect(consumer.runOnce()).rejects.toThrow('cannot apply');
    const report = await consumer.runOnce();
    expect(report).toMatchObject({ applied: 2, deadLettered: 1, caughtUp: true });
    expect(applied).toEqual(['Customer-c1', 'Customer-c3']);
    const letters = await deadLetters.list();
    expect(letters.map((l) => [l.envelope.streamId, l.error])).toEqual([['Customer-c2', 'ProjectionFailed: projector cannot apply this event']]);
    expect(await sink.checkpoint()).toBe(report.position);
  });

  it('dead-letters nothing while the store itself is down: it keeps retrying from the checkpoint', async () => {
    const { feed } = memoryFeed(history());
    let down = false;
    const { sink } = sinkRejecting('nobody', { down: () => down });
    const deadLetters = memoryDeadLetters();
    const consumer = createCatchUpConsumer({ feed, sink, deadLetters, maxPageAttempts: 2 });
    down = true;
    for (let i = 0; i < 4; i++) await expect(consumer.runOnce()).rejects.toThrow('connection refused');
    expect(await deadLetters.list()).toEqual([]);
    down = false;
    expect(await consumer.runOnce()).toMatchObject({ applied: 3, deadLettered: 0 });
    expect(await deadLetters.list()).toEqual([]);
  });

  it('dead-letters nothing when the store reads but refuses every write', async () => {
    const { feed } = memoryFeed(history());
    let refusing = true;
    const { sink } = sinkRejecting('nobody');
    const writes = { ...sink, apply: (events: readonly DomainEnvelope[], next?: string) => (refusing ? Promise.reject(new Error('disk full')) : sink.apply(events, next)) };
    const deadLetters = memoryDeadLetters();
    const consumer = createCatchUpConsumer({ feed, sink: writes, deadLetters, maxPageAttempts: 2 });
    for (let i = 0; i < 4; i++) await expect(consumer.runOnce()).rejects.toThrow();
    expect(await deadLetters.list()).toEqual([]);
    refusing = false;
    expect(await consumer.runOnce()).toMatchObject({ applied: 3, deadLettered: 0 });
    expect(await deadLetters.list()).toEqual([]);
  });
});
