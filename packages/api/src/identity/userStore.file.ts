import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Role, UserRecord, UserStore } from './ports.js';
import { createMemoryUserStore } from './userStore.memory.js';

/**
 * `UserStore` kept in one JSON file (the local runtime's data folder), so accounts survive a
 * restart. Every change rewrites the file atomically (write to a temp file, then rename);
 * writes are serialised. Meant for one process, which is what `strata start` is.
 */
export const createFileUserStore = async (file: string): Promise<UserStore> => {
  const memory = createMemoryUserStore();
  const users = new Map<string, UserRecord>();
  try {
    for (const u of JSON.parse(await readFile(file, 'utf8')) as UserRecord[]) {
      users.set(u.sub, u);
      await memory.create(u);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read the user store ${file}`, { cause: err });
  }
  let writing = Promise.resolve();
  const persist = (): Promise<void> => {
    const snapshot = JSON.stringify([...users.values()], null, 2);
    writing = writing.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, snapshot, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
    });
    return writing;
  };
  return {
    findByEmail: memory.findByEmail,
    findBySub: memory.findBySub,
    create: async (user) => {
      const result = await memory.create(user);
      if (result === 'created') {
        users.set(user.sub, user);
        await persist();
      }
      return result;
    },
    setRoles: async (sub: string, roles: readonly Role[]) => {
      await memory.setRoles(sub, roles);
      const user = await memory.findBySub(sub);
      if (user) {
        users.set(sub, user);
        await persist();
      }
    },
    delete: async (sub: string) => {
      if (!users.has(sub)) return;
      await memory.delete(sub);
      users.delete(sub);
      await persist();
    },
  };
};
