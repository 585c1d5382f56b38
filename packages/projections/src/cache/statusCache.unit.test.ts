import { memoryStatusStore } from './statusCache.js';
import { runStatusCacheContract } from '../testing/statusCache.contract.js';

runStatusCacheContract('memory', async () => {
  let clock = 0;
  const store = memoryStatusStore({ ttlMs: 1_000, now: () => clock });
  return { store, expire: async () => void (clock += 1_000) };
});
