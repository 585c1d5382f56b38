import { describe, expect, it } from '@jest/globals';
import { EventStoreUnavailableError } from '@strata/events';
import { createPostgresEventStore } from './eventStore.postgres.js';

describe('PostgreSQL event store without a server', () => {
  it('reports an unreachable database as EventStoreUnavailableError with the driver error as cause', async () => {
    const error: unknown = await createPostgresEventStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(error).toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE', cause: { code: 'ECONNREFUSED' } });
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(createPostgresEventStore({ connectionString: 'postgres://unused', schema: 'x"; DROP' })).rejects.toBeInstanceOf(RangeError);
  });
});
