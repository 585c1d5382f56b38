import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Notifier } from './port.js';

/**
 * Local adapter: one JSON file per notification in `dir`, named by the event id. The file is
 * written aside and hard-linked into place, which fails if it exists: a notification is
 * never "sent" twice, and a crash mid-write never leaves a half file under the final name.
 * The folder is made on the first notification (and again if it has been removed since), not
 * before each one: file operations are most of a notification's cost.
 */
export const createOutboxNotifier = (dir: string): Notifier => {
  let folder: Promise<unknown> | undefined;
  const ensureFolder = (again = false): Promise<unknown> => {
    if (again || folder === undefined) folder = mkdir(dir, { recursive: true }).catch((error: unknown) => ((folder = undefined), Promise.reject(error)));
    return folder;
  };
  const writeAside = async (temp: string, text: string): Promise<void> => {
    await ensureFolder();
    try {
      await writeFile(temp, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await ensureFolder(true);
      await writeFile(temp, text);
    }
  };
  return {
    async send(notification) {
      const final = join(dir, `${notification.id}.json`);
      // Unique per attempt: two sends of one id at the same moment must not share a temp file.
      const temp = join(dir, `.${notification.id}.${randomUUID()}.tmp`);
      await writeAside(temp, `${JSON.stringify(notification, null, 2)}\n`);
      try {
        await link(temp, final);
        return { sent: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { sent: false };
        throw error;
      } finally {
        await unlink(temp);
      }
    },
  };
};
