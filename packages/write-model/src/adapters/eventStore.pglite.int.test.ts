import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoStream } from '@strata/events';
import { testAppend, testEvents, testStreamId } from '../testing.js';
import { createPgliteEventStore } from './eventStore.pglite.js';

describe('PGlite event store in a data folder', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-pglite-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps events and command ids across a restart', async () => {
    const stream = testStreamId();
    const request = testAppend(stream, expectNoStream, testEvents(2));
    const first = await createPgliteEventStore({ dataDir });
    const original = await first.append(request);
    await first.close();

    const reopened = await createPgliteEventStore({ dataDir });
    try {
      expect((await reopened.readStream(stream)).events).toEqual(original.events);
      expect(await reopened.append(request)).toEqual({ ...original, duplicate: true });
    } finally {
      await reopened.close();
    }
    // Creating a data folder runs initdb inside WebAssembly: seconds, more on a busy machine.
  }, 120_000);
});
