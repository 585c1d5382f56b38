/**
 * `@strata/projections/signals.postgres`: wake-ups between processes over PostgreSQL's
 * LISTEN/NOTIFY, so several processes need not poll each other: an api process's commit wakes the
 * workers' consumers at once, and a workers process's read-model page wakes the api processes'
 * read-your-writes waiters. A signal is only a hint — every listener still reads the truth from
 * the tables, and keeps a slow poll as a safety net for a lost connection.
 */
import pg from 'pg';

export interface Signals {
  /** Sends `payload` on `channel` soon; signals sent in the same tick are merged into one NOTIFY (payloads joined by ','). */
  notify(channel: string, payload?: string): void;
  listen(channel: string, handler: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** NOTIFY payloads are limited to 8000 bytes; a longer one becomes `*` ("look at everything"). */
const MAX_PAYLOAD = 7900;

export const createPgSignals = async (connectionString: string, onError: (err: unknown) => void = () => undefined): Promise<Signals> => {
  const client = new pg.Client({ connectionString });
  client.on('error', onError);
  await client.connect();
  const handlers = new Map<string, Array<(payload: string) => void>>();
  client.on('notification', (n) => {
    for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
  });
  const pending = new Map<string, string[]>();
  let scheduled = false;
  let closed = false;
  const flush = () => {
    scheduled = false;
    for (const [channel, parts] of pending) {
      let payload = parts.filter(Boolean).join(',');
      if (payload.length > MAX_PAYLOAD) payload = '*';
      client.query('select pg_notify($1, $2)', [channel, payload]).catch(onError);
    }
    pending.clear();
  };
  return {
    notify(channel, payload = '') {
      if (closed) return;
      pending.set(channel, [...(pending.get(channel) ?? []), payload]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    async listen(channel, handler) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new RangeError(`invalid channel ${channel}`);
      if (!handlers.has(channel)) await client.query(`listen ${channel}`);
      handlers.set(channel, [...(handlers.get(channel) ?? []), handler]);
    },
    async close() {
      closed = true;
      await client.end().catch(() => undefined);
    },
  };
};
