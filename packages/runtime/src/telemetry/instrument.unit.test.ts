import { describe, expect, it } from '@jest/globals';
import { VersionConflictError, type EventStore } from '@strata/events';
import { createMemoryEventStore, createWriteModel } from '@strata/write-model';
import { ctx, placeOrderCmd } from '@strata/write-model/domain/testing/fixtures';
import { createInstruments } from './instrument.js';
import { noopRecorder, type Recorder } from './recorder.js';

/** A recorder that keeps every command outcome and append count it is told. */
const counting = () => {
  const commands: string[] = [];
  const appended: Array<[string, number]> = [];
  const recorder: Recorder = { ...noopRecorder, command: (c, o) => void commands.push(`${c}:${o}`), eventsAppended: (s, n) => void appended.push([s, n]) };
  return { recorder, commands, appended };
};

/** The memory store, refusing the first `conflicts` appends with a version conflict (a concurrent writer won). */
const racing = (conflicts: number, fault?: Error): EventStore => {
  const store = createMemoryEventStore();
  let refused = 0;
  return {
    ...store,
    append: async (request) => {
      if (fault !== undefined) throw fault;
      if (refused++ < conflicts) throw new VersionConflictError(request.streamId, request.expected, 0);
      return store.append(request);
    },
    readStream: (id, o) => store.readStream(id, o),
  };
};

describe.each([false, true])('command outcomes counted by the write-model wrapper (tracing %s)', (tracing) => {
  const writeModelOver = (store: EventStore, recorder: Recorder) => {
    const obs = createInstruments(recorder, tracing);
    return obs.writeModel(createWriteModel({ eventStore: obs.eventStore(store) }));
  };

  it('accepted, then duplicate for the same command id, rejected by a rule; appended events by stream category', async () => {
    const { recorder, commands, appended } = counting();
    const wm = writeModelOver(createMemoryEventStore(), recorder);
    await wm.placeOrder(placeOrderCmd, ctx('cmd-1'));
    await wm.placeOrder(placeOrderCmd, ctx('cmd-1'));
    await wm.deliverOrder({ orderId: placeOrderCmd.orderId }, ctx('cmd-2')); // not shipped: a rule refuses it
    expect(commands).toEqual(['placeOrder:accepted', 'placeOrder:duplicate', 'deliverOrder:rejected']);
    expect(appended).toEqual([['Order-o-1', 1]]);
    // Reads are not commands.
    await wm.loadOrder('o-1');
    expect(commands).toHaveLength(3);
  });

  it('retried: accepted after reloading on a version conflict; conflict when every attempt loses', async () => {
    const retried = counting();
    await writeModelOver(racing(1), retried.recorder).placeOrder(placeOrderCmd, ctx('cmd-r'));
    expect(retried.commands).toEqual(['placeOrder:retried']);
    const lost = counting();
    await writeModelOver(racing(1000), lost.recorder).placeOrder(placeOrderCmd, ctx('cmd-l'));
    expect(lost.commands).toEqual(['placeOrder:conflict']);
  });

  it('error: an infrastructure fault is counted and rethrown', async () => {
    const { recorder, commands } = counting();
    const fault = Object.assign(new Error('down'), { code: 'STORE_UNAVAILABLE' });
    await expect(writeModelOver(racing(0, fault), recorder).placeOrder(placeOrderCmd, ctx('cmd-e'))).rejects.toBe(fault);
    expect(commands).toEqual(['placeOrder:error']);
  });
});
