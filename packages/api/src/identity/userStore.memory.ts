import type { Role, UserRecord, UserStore } from './ports.js';

/** In-memory `UserStore`: tests and throwaway local runs. */
export const createMemoryUserStore = (): UserStore => {
  const bySub = new Map<string, UserRecord>();
  const subByEmail = new Map<string, string>();
  return {
    findByEmail: async (email) => {
      const sub = subByEmail.get(email.toLowerCase());
      return sub === undefined ? undefined : bySub.get(sub);
    },
    findBySub: async (sub) => bySub.get(sub),
    create: async (user) => {
      if (subByEmail.has(user.email)) return 'exists';
      subByEmail.set(user.email, user.sub);
      bySub.set(user.sub, user);
      return 'created';
    },
    setRoles: async (sub: string, roles: readonly Role[]) => {
      const user = bySub.get(sub);
      if (user) bySub.set(sub, { ...user, roles });
    },
    delete: async (sub: string) => {
      const user = bySub.get(sub);
      if (!user) return;
      bySub.delete(sub);
      if (subByEmail.get(user.email) === sub) subByEmail.delete(user.email);
    },
  };
};
