import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Notifier } from './port.js';

/**
 * Local adapter: one JSON file per notification in `dir`, named by the event id. The file is
 * written aside and hard-linked into place, which fails if it exists: a notification is
 * never "sent" twice, and a crash mid-write never leaves a half file under the final name.
 */
export const createOutboxNotifier = (dir: string): Notifier => ({
  async send(notification) {
    await mkdir(dir, { recursive: true });
    const final = join(dir, `${notification.id}.json`);
    const temp = join(dir, `.${notification.id}.${process.pid}.${Date.now()}.tmp`);
    await writeFile(temp, `${JSON.stringify(notification, null, 2)}\n`);
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
});
