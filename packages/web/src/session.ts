/*
 * The signed-in user: tokens from POST /login, kept in sessionStorage (gone with the tab), and the
 * roles the identity token names (`cognito:groups`, the same claim locally and on Cognito).
 */
export type Role = 'customer' | 'admin' | 'analyst' | 'auditor';

export interface Session {
  readonly idToken: string;
  readonly sub: string;
  readonly email: string;
  readonly roles: readonly Role[];
  readonly expiresAt: number;
}

const KEY = 'strata.session';

const claimsOf = (token: string): Record<string, unknown> => {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
  return JSON.parse(json) as Record<string, unknown>;
};

/** The session a token describes (its claims are only read here; the API verifies the token). */
export const sessionFromToken = (idToken: string): Session => {
  const c = claimsOf(idToken);
  const groups = Array.isArray(c['cognito:groups']) ? (c['cognito:groups'] as unknown[]).filter((g): g is Role => typeof g === 'string') : [];
  return {
    idToken,
    sub: String(c.sub ?? ''),
    email: typeof c.email === 'string' ? c.email : '',
    roles: groups.length > 0 ? groups : ['customer'],
    expiresAt: typeof c.exp === 'number' ? c.exp * 1000 : Date.now() + 3600_000,
  };
};

type Listener = (s: Session | undefined, notice?: string) => void;
const listeners = new Set<Listener>();

const load = (): Session | undefined => {
  try {
    const raw = sessionStorage.getItem(KEY);
    const s = raw ? (JSON.parse(raw) as Session) : undefined;
    return s && s.expiresAt > Date.now() ? s : undefined;
  } catch {
    return undefined;
  }
};

export const session = {
  value: load(),
  signIn(idToken: string): Session {
    const s = sessionFromToken(idToken);
    this.value = s;
    sessionStorage.setItem(KEY, JSON.stringify(s));
    for (const l of listeners) l(s);
    return s;
  },
  signOut(notice?: string): void {
    this.value = undefined;
    sessionStorage.removeItem(KEY);
    for (const l of listeners) l(undefined, notice);
  },
  subscribe(l: Listener): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

export const hasRole = (s: Session | undefined, ...roles: Role[]): boolean => s !== undefined && s.roles.some((r) => roles.includes(r));

/** The page a user lands on after signing in, by role. */
export const homeOf = (s: Session): string =>
  hasRole(s, 'admin') ? '/app/operations' : hasRole(s, 'analyst') ? '/app/insights' : hasRole(s, 'auditor') ? '/app/audit' : '/app/orders';
