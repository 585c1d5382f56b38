/**
 * One engine per embedded data folder. The lock is a listening Unix socket whose name comes from
 * the folder's real path: on Linux an abstract socket (no file; the kernel frees the name when the
 * process ends, kill -9 included, and binding is atomic, so two starts can never both win); on
 * other systems a socket file in the folder, replaced only when nobody answers on it. The holder
 * answers every connection with who it is, so a refused start or CLI command can name it and find
 * its URL (DESIGN.md decision 9). No pid file is read back to decide anything.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';

/** What the holder says about itself. */
export interface LockHolder {
  readonly pid: number;
  readonly dataDir: string;
  readonly startedAt: string;
  /** The engine's base URL, once it listens. */
  readonly url?: string;
  /** The `iss` of the tokens it issues and accepts (the operator CLI signs with it). */
  readonly issuer?: string;
}

export class DataFolderLockedError extends Error {
  readonly code = 'DATA_FOLDER_LOCKED';
  constructor(readonly holder: LockHolder) {
    super(
      `another Strata engine (pid ${holder.pid}${holder.url ? `, serving ${holder.url}` : ''}, started ${holder.startedAt}) owns the data folder ${holder.dataDir}; ` +
        'the embedded store has one writer. Stop it first, use another STRATA_DATA_DIR, or run several processes on PostgreSQL (DATABASE_URL).',
    );
    this.name = 'DataFolderLockedError';
  }
}

export interface FolderLock {
  readonly holder: LockHolder;
  /** Tells later askers the URL the engine serves on and the issuer of its tokens. */
  announce(url: string, issuer: string): void;
  release(): Promise<void>;
}

const socketPath = (dir: string): string => {
  let real = resolve(dir);
  try {
    real = realpathSync(real);
  } catch {
    // not created yet: the resolved path names it
  }
  return process.platform === 'linux' ? `\0strata-lock-${createHash('sha256').update(real).digest('hex').slice(0, 40)}` : join(real, 'strata.lock.sock');
};

/** Asks the holder of `dir`'s lock who it is; undefined when nobody holds it. */
export const lockHolder = (dir: string, timeoutMs = 2000): Promise<LockHolder | undefined> =>
  new Promise((done) => {
    const socket = createConnection(socketPath(dir));
    let text = '';
    const finish = (v: LockHolder | undefined) => {
      socket.destroy();
      done(v);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('end', () => {
      try {
        finish(JSON.parse(text) as LockHolder);
      } catch {
        finish(undefined);
      }
    });
    socket.on('error', () => finish(undefined));
  });

const listenOn = (server: Server, path: string): Promise<void> =>
  new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(path, () => {
      server.off('error', fail);
      ok();
    });
  });

/** Takes the data folder's lock or throws `DataFolderLockedError` naming the process that holds it. */
export const lockDataFolder = async (dir: string): Promise<FolderLock> => {
  let holder: LockHolder = { pid: process.pid, dataDir: resolve(dir), startedAt: new Date().toISOString() };
  // A caller that hangs up early (EPIPE, ECONNRESET) must never take the engine down with it.
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end(JSON.stringify(holder));
  });
  server.unref(); // the lock never keeps the process alive by itself
  const path = socketPath(dir);
  try {
    await listenOn(server, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const other = await lockHolder(dir);
    if (other !== undefined) throw new DataFolderLockedError(other);
    if (path.startsWith('\0')) throw new DataFolderLockedError({ pid: 0, dataDir: resolve(dir), startedAt: 'unknown (it does not answer)' });
    // A socket file left by a process that is gone: nobody answers on it.
    await rm(path, { force: true });
    await listenOn(server, path);
  }
  return {
    get holder() {
      return holder;
    },
    announce(url, issuer) {
      holder = { ...holder, url, issuer };
    },
    release: () =>
      new Promise<void>((done) => {
        server.close(() => done());
      }),
  };
};
