import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Notification, Notifier } from './port.js';

/** Whether `text` is a whole notification file for `id` (a crash mid-write leaves a part of one). */
const isComplete = (text: string, id: string): boolean => {
  if (!text.endsWith('\n')) return false;
  try {
    return (JSON.parse(text) as Partial<Notification>).id === id;
  } catch {
    return false;
  }
};

/**
 * Local adapter: one JSON file per notification in `dir`, named by the event id and created
 * exclusively (`wx`), so a notification is never "sent" twice. A file a crash left incomplete
 * (empty, cut short) is not a sent notification: it is written again, whole. The folder is made on
 * the first notification (and again if it has been removed since), not before each one: file
 * operations are most of a notification's cost.
 */
export const createOutboxNotifier = (dir: string): Notifier => {
  let folder: Promise<unknown> | undefined;
  const ensureFolder = (again = false): Promise<unknown> => {
    if (again || folder === undefined) folder = mkdir(dir, { recursive: true }).catch((error: unknown) => ((folder = undefined), Promise.reject(error)));
    return folder;
  };
  const create = async (file: string, text: string): Promise<void> => {
    await ensureFolder();
    try {
      await writeFile(file, text, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await ensureFolder(true);
      await writeFile(file, text, { flag: 'wx' });
    }
  };
  return {
    async send(notification) {
      const file = join(dir, `${notification.id}.json`);
      const text = `${JSON.stringify(notification, null, 2)}\n`;
      try {
        await create(file, text);
        return { sent: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (isComplete(await readFile(file, 'utf8'), notification.id)) return { sent: false };
        await writeFile(file, text);
        return { sent: true };
      }
    },
  };
};
