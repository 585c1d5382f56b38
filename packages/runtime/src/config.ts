import { DEFAULTS, EnvKey } from './names.js';

/**
 * The runtime's configuration, read from the environment and validated at start. Every part of
 * the engine defaults to an embedded implementation; each swaps for the real one by a variable.
 */
export type StoreConfig =
  | { readonly kind: 'pglite'; readonly dataDir: string }
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'dynamodb'; readonly tableName: string; readonly endpoint?: string; readonly region: string }
  | { readonly kind: 'memory' };

export type CacheConfig = { readonly kind: 'memory' } | { readonly kind: 'redis'; readonly url: string };
export type IdentityConfig =
  | { readonly kind: 'local'; readonly dataDir: string }
  | { readonly kind: 'cognito'; readonly userPoolId: string; readonly clientId: string; readonly region: string };

/** What a process runs: `api` serves HTTP; `workers` holds the leased consumers; `all` both. */
export type Role = 'api' | 'workers';
export const ROLES: readonly Role[] = ['api', 'workers'];

export interface Config {
  readonly port: number;
  /** The roles of this process (DESIGN.md decision 8). */
  readonly roles: ReadonlySet<Role>;
  /** The URL clients reach the engine at; the local issuer's `iss` (default `http://localhost:<port>`). */
  readonly publicUrl?: string;
  /** api processes sharing the port (node:cluster), PostgreSQL only. */
  readonly processes: number;
  /** workers processes started beside them, PostgreSQL only. */
  readonly workers: number;
  /** Partitions of the saga-routing consumer, each leased on its own. */
  readonly partitions: number;
  readonly leaseTtlMs: number;
  /** Server timeouts against slow clients (milliseconds). */
  readonly timeouts: { readonly headersMs: number; readonly requestMs: number; readonly keepAliveMs: number };
  readonly host: string;
  readonly dataDir: string;
  readonly store: StoreConfig;
  /** Where the relational read model lives: PGlite in the data folder, or PostgreSQL. */
  readonly readModel: { readonly kind: 'pglite'; readonly dataDir: string } | { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'memory' };
  readonly cache: CacheConfig;
  readonly identity: IdentityConfig;
  readonly lakeDir: string;
  readonly logLevel: LogLevel;
  readonly providerUrl?: string;
  readonly corsOrigins: readonly string[];
  readonly rateLimitPerMinute: number;
  /** Seconds between two hold-expiry sweeps of the local runtime (the CDK schedule on AWS). */
  readonly holdSweepSeconds: number;
  /**
   * How long a command waits for the read model to reflect it before answering (0: answer at
   * once from the command's own result). The API Lambda runs with 0: a waiting Lambda is billed
   * for the stream's delay.
   */
  readonly readYourWritesMs: number;
  /** List the demo catalogue when `strata start` finds an empty store (STRATA_DEMO_CATALOGUE, default true). */
  readonly demoCatalogue: boolean;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** Thrown with every problem found, one per line, naming the variable and what it accepts. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export const loadConfig = (env: Env = process.env, overrides: Partial<Record<EnvKey, string>> = {}): Config => {
  const get = (key: EnvKey): string | undefined => {
    const v = overrides[key] ?? env[key];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const problems: string[] = [];

  const int = (key: EnvKey, fallback: number, min: number, max: number): number => {
    const raw = get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${key}=${JSON.stringify(raw)}: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const url = (key: EnvKey, protocols: readonly string[]): string | undefined => {
    const raw = get(key);
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      return raw;
    } catch {
      problems.push(`${key}=${JSON.stringify(redact(raw))}: expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      return undefined;
    }
  };

  const dataDir = get(EnvKey.dataDir) ?? DEFAULTS.dataDir;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const databaseUrl = url(EnvKey.databaseUrl, ['postgres:', 'postgresql:']);
  const redisUrl = url(EnvKey.redisUrl, ['redis:', 'rediss:']);
  const dynamoEndpoint = url(EnvKey.dynamoEndpoint, ['http:', 'https:']);
  const providerUrl = url(EnvKey.providerUrl, ['http:', 'https:']);
  const publicUrl = url(EnvKey.publicUrl, ['http:', 'https:']);

  const storeKind = get(EnvKey.store) ?? (databaseUrl ? 'postgres' : 'pglite');
  let store: StoreConfig = { kind: 'pglite', dataDir };
  switch (storeKind) {
    case 'pglite':
      store = { kind: 'pglite', dataDir };
      break;
    case 'memory':
      store = { kind: 'memory' };
      break;
    case 'postgres':
      if (databaseUrl) store = { kind: 'postgres', url: databaseUrl };
      else problems.push(`${EnvKey.store}=postgres needs ${EnvKey.databaseUrl} (e.g. postgres://postgres@127.0.0.1:5432/strata)`);
      break;
    case 'dynamodb':
      store = {
        kind: 'dynamodb',
        tableName: get(EnvKey.tableName) ?? DEFAULTS.tableName,
        region,
        ...(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}),
      };
      break;
    default:
      problems.push(`${EnvKey.store}=${JSON.stringify(storeKind)}: expected one of pglite, postgres, dynamodb, memory`);
  }

  const identityKind = get(EnvKey.identity) ?? 'local';
  let identity: IdentityConfig = { kind: 'local', dataDir };
  if (identityKind === 'cognito') {
    const userPoolId = get(EnvKey.userPoolId);
    const clientId = get(EnvKey.userPoolClientId);
    if (!userPoolId || !clientId) problems.push(`${EnvKey.identity}=cognito needs ${EnvKey.userPoolId} and ${EnvKey.userPoolClientId}`);
    else identity = { kind: 'cognito', userPoolId, clientId, region };
  } else if (identityKind !== 'local') {
    problems.push(`${EnvKey.identity}=${JSON.stringify(identityKind)}: expected local or cognito`);
  }

  const logLevel = (get(EnvKey.logLevel) ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`${EnvKey.logLevel}=${JSON.stringify(logLevel)}: expected one of ${LOG_LEVELS.join(', ')}`);

  const rolesRaw = (get(EnvKey.roles) ?? 'all').toLowerCase();
  let roles: ReadonlySet<Role> = new Set(ROLES);
  if (rolesRaw !== 'all') {
    const named = rolesRaw.split(',').map((r) => r.trim());
    const bad = named.filter((r) => !(ROLES as readonly string[]).includes(r));
    if (bad.length > 0 || named.length === 0) problems.push(`${EnvKey.roles}=${JSON.stringify(rolesRaw)}: expected all, api, workers (or api,workers)`);
    else roles = new Set(named as Role[]);
  }
  const processes = int(EnvKey.processes, 1, 1, 64);
  const workers = int(EnvKey.workers, processes > 1 ? 1 : 0, 0, 64);
  if ((processes > 1 || workers > 0) && store.kind !== 'postgres')
    problems.push(`${EnvKey.processes}/${EnvKey.workers} need the PostgreSQL store (DATABASE_URL): the ${store.kind} store is one process`);
  const port = get(EnvKey.port) === undefined && get(EnvKey.platformPort) !== undefined ? int(EnvKey.platformPort, DEFAULTS.port, 0, 65535) : int(EnvKey.port, DEFAULTS.port, 0, 65535);

  const config: Config = {
    port,
    roles,
    ...(publicUrl ? { publicUrl: publicUrl.replace(/\/+$/, '') } : {}),
    processes,
    workers,
    partitions: int(EnvKey.partitions, DEFAULTS.partitions, 1, 256),
    leaseTtlMs: int(EnvKey.leaseTtlMs, DEFAULTS.leaseTtlMs, 500, 600_000),
    timeouts: {
      headersMs: int(EnvKey.headersTimeoutMs, DEFAULTS.headersTimeoutMs, 100, 600_000),
      requestMs: int(EnvKey.requestTimeoutMs, DEFAULTS.requestTimeoutMs, 100, 3_600_000),
      keepAliveMs: int(EnvKey.keepAliveTimeoutMs, DEFAULTS.keepAliveTimeoutMs, 100, 600_000),
    },
    host: get(EnvKey.host) ?? DEFAULTS.host,
    dataDir,
    store,
    readModel: databaseUrl ? { kind: 'postgres', url: databaseUrl } : store.kind === 'memory' ? { kind: 'memory' } : { kind: 'pglite', dataDir },
    cache: redisUrl ? { kind: 'redis', url: redisUrl } : { kind: 'memory' },
    identity,
    lakeDir: `${dataDir}/lake`,
    logLevel: LOG_LEVELS.includes(logLevel) ? logLevel : 'info',
    ...(providerUrl ? { providerUrl } : {}),
    corsOrigins: (get(EnvKey.corsOrigins) ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    rateLimitPerMinute: int(EnvKey.rateLimitPerMinute, 600, 1, 1_000_000),
    holdSweepSeconds: int(EnvKey.holdSweepSeconds, DEFAULTS.holdSweepSeconds, 1, 7 * 24 * 3600),
    readYourWritesMs: int(EnvKey.readYourWritesMs, DEFAULTS.readYourWritesMs, 0, 30_000),
    demoCatalogue: flag(get(EnvKey.demoCatalogue), EnvKey.demoCatalogue, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
};

/** A boolean switch: true/false/1/0/yes/no/on/off (default true), else a problem naming the variable. */
const flag = (raw: string | undefined, key: EnvKey, problems: string[]): boolean => {
  if (raw === undefined) return true;
  if (/^(true|1|yes|on)$/i.test(raw)) return true;
  if (/^(false|0|no|off)$/i.test(raw)) return false;
  problems.push(`${key}=${JSON.stringify(raw)}: expected true or false`);
  return true;
};

/** Hides a URL's password in messages and logs. */
export const redact = (value: string): string => value.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
