import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PGlite } from '@electric-sql/pglite';
import {
  CommandIdReusedError,
  VersionConflictError,
  expectAny,
  expectNoStream,
  expectVersion,
  fingerprint,
  verifyChain,
  type AppendRequest,
  type EventStore,
  type ExpectedVersion,
} from '@strata/events';
import { testEvents, testMeta } from '../testing.js';
import { createMemoryEventStore } from './eventStore.memory.js';
import { createPgliteEventStore } from './eventStore.pglite.js';

/** The model: per stream, its commits in order (command id, payload variant, event count). */
interface Commit {
  readonly commandId: string;
  readonly variant: number;
  readonly count: number;
}
type Model = Map<string, Commit[]>;
interface Real {
  readonly store: EventStore;
  /** Prefix that keeps this run's streams apart from earlier runs on the same store. */
  readonly run: string;
}

const versionOf = (commits: readonly Commit[] | undefined): number => (commits ?? []).reduce((n, c) => n + c.count, 0);

type Expectation = 'right' | 'right-with-hash' | 'stale' | 'ahead' | 'no-stream' | 'any';

class AppendCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly stream: string,
    readonly expectation: Expectation,
    readonly commandId: string,
    readonly variant: number,
    readonly count: number,
  ) {}
  check = (): boolean => true;

  async run(model: Model, real: Real): Promise<void> {
    const commits = model.get(this.stream) ?? [];
    const version = versionOf(commits);
    const streamId = `${real.run}-${this.stream}`;
    const expected = await this.expected(real.store, streamId, version);
    const request: AppendRequest = {
      streamId,
      expected,
      events: testEvents(this.count),
      meta: testMeta(this.commandId, { commandId: this.commandId, variant: this.variant }),
    };
    const outcome = await real.store.append(request).then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );

    const index = commits.findIndex((c) => c.commandId === this.commandId);
    const original = commits[index];
    if (original !== undefined) {
      if (original.variant === this.variant) {
        const through = versionOf(commits.slice(0, index + 1));
        expect(outcome.ok && outcome.result).toMatchObject({ duplicate: true, version: through });
      } else {
        expect(!outcome.ok && outcome.error).toBeInstanceOf(CommandIdReusedError);
      }
      return;
    }
    const holds =
      this.expectation === 'any' || this.expectation === 'right' || this.expectation === 'right-with-hash' || (this.expectation === 'no-stream' && version === 0);
    if (!holds) {
      expect(!outcome.ok && outcome.error).toBeInstanceOf(VersionConflictError);
      return;
    }
    expect(outcome.ok && outcome.result).toMatchObject({ duplicate: false, version: version + this.count });
    model.set(this.stream, [...commits, { commandId: this.commandId, variant: this.variant, count: this.count }]);
  }

  private async expected(store: EventStore, streamId: string, version: number): Promise<ExpectedVersion> {
    switch (this.expectation) {
      case 'right':
        return expectVersion(version);
      case 'right-with-hash': {
        const last = (await store.readStream(streamId, { fromVersion: version, limit: 1 })).events[0];
        return last === undefined ? expectVersion(0) : expectVersion(last.streamVersion, last.hash);
      }
      case 'stale':
        return version === 0 ? expectVersion(1) : expectVersion(version - 1);
      case 'ahead':
        return expectVersion(version + 1);
      case 'no-stream':
        return expectNoStream;
      case 'any':
        return expectAny;
    }
  }

  toString = (): string => `append(${this.stream}, ${this.expectation}, ${this.commandId}/${this.variant}, ${this.count})`;
}

class ReadCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly stream: string,
    readonly fromVersion: number,
    readonly limit: number | undefined,
  ) {}
  check = (): boolean => true;

  async run(model: Model, real: Real): Promise<void> {
    const commits = model.get(this.stream) ?? [];
    const version = versionOf(commits);
    const streamId = `${real.run}-${this.stream}`;
    const options = this.limit === undefined ? { fromVersion: this.fromVersion } : { fromVersion: this.fromVersion, limit: this.limit };
    const slice = await real.store.readStream(streamId, options);
    const from = Math.max(1, this.fromVersion);
    const last = this.limit === undefined ? version : Math.min(version, from + this.limit - 1);
    const versions = Array.from({ length: Math.max(0, last - from + 1) }, (_, i) => from + i);
    expect({ version: slice.version, versions: slice.events.map((e) => e.streamVersion) }).toEqual({ version, versions });
    const commandIds = commits.flatMap((c) => Array.from({ length: c.count }, () => c.commandId));
    expect(slice.events.map((e) => e.commandId)).toEqual(versions.map((v) => commandIds[v - 1]));
    expect(slice.events.map((e) => e.commandFingerprint)).toEqual(
      versions.map((v) => {
        const commit = commits[commits.findIndex((_, i) => versionOf(commits.slice(0, i + 1)) >= v)]!;
        return fingerprint({ commandId: commit.commandId, variant: commit.variant });
      }),
    );
    if (this.limit === undefined && from === 1) expect(verifyChain(slice.events).ok).toBe(true);
  }

  toString = (): string => `read(${this.stream}, from ${this.fromVersion}, limit ${this.limit ?? '-'})`;
}

const streams = fc.constantFrom('A', 'B', 'C');
const commands = fc.commands(
  [
    fc
      .tuple(
        streams,
        fc.constantFrom<Expectation>('right', 'right-with-hash', 'stale', 'ahead', 'no-stream', 'any'),
        fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5', 'c6'),
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 1, max: 3 }),
      )
      .map(([s, e, c, v, n]) => new AppendCommand(s, e, c, v, n)),
    fc.tuple(streams, fc.integer({ min: 0, max: 12 }), fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined })).map(([s, f, l]) => new ReadCommand(s, f, l)),
  ],
  { maxCommands: 30 },
);

const assertMatchesModel = async (store: EventStore, numRuns: number): Promise<void> => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(commands, (cmds) => fc.asyncModelRun(() => ({ model: new Map(), real: { store, run: `Model${runs++}x${crypto.randomUUID()}` } }), cmds)),
    { numRuns },
  );
};

describe('event store adapters against a model (fc.commands)', () => {
  it('memory behaves like the model', async () => {
    await assertMatchesModel(createMemoryEventStore(), 150);
  }, 60_000);

  const db = new PGlite();
  afterAll(() => db.close());

  it('PGlite behaves like the model', async () => {
    const store = await createPgliteEventStore({ db, schema: 'es_model' });
    await assertMatchesModel(store, 40);
    // Starting PGlite and 40 runs of up to 30 commands take seconds; a busy machine takes longer.
  }, 120_000);
});
