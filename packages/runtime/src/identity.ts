/**
 * Identity for the HTTP app: Cognito on AWS; otherwise the local issuer, whose users and signing
 * keys live in the shared database when the engine runs on PostgreSQL (any process verifies any
 * other's tokens) and in the data folder on the embedded store.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  createFileUserStore,
  createLocalIdentity,
  createSqlUserStore,
  loadOrCreateSigningKeys,
  loadOrCreateSqlKeyring,
  loadPreviousPublicKey,
  rotateFolderSigningKey,
  rotateSigningKey,
  type ApiDeps,
  type UserRecord,
} from '@strata/api';
import { createCognitoIdentityProvider, createCognitoVerifier } from '@strata/api/identity/cognito';
import type { SqlExecutor } from '@strata/projections';
import type { Config } from './config.js';

export interface IdentityParts {
  readonly deps: Pick<ApiDeps, 'identity' | 'verifier' | 'jwks'>;
  readonly describe: string;
}

/** Accounts made while the engine kept them in the data folder come along on the first shared start. */
const importFolderUsers = async (dir: string, create: (u: UserRecord) => Promise<unknown>): Promise<void> => {
  let users: UserRecord[] = [];
  try {
    users = JSON.parse(await readFile(join(dir, 'users.json'), 'utf8')) as UserRecord[];
  } catch {
    return;
  }
  for (const u of users) await create(u);
};

export const createIdentity = async (config: Config, readDb: SqlExecutor, issuer: string): Promise<IdentityParts> => {
  if (config.identity.kind === 'cognito') {
    return {
      deps: {
        identity: createCognitoIdentityProvider({
          client: new CognitoIdentityProviderClient({ region: config.identity.region }),
          userPoolId: config.identity.userPoolId,
          clientId: config.identity.clientId,
        }),
        verifier: createCognitoVerifier({ userPoolId: config.identity.userPoolId, clientId: config.identity.clientId }),
      },
      describe: `identity: Cognito ${config.identity.userPoolId}`,
    };
  }
  const common = { issuer, audience: 'strata', clock: () => new Date(), newId: randomUUID };
  const dir = join(resolve(config.dataDir), 'identity');
  if (config.store.kind === 'postgres') {
    const users = await createSqlUserStore(readDb);
    await importFolderUsers(dir, (u) => users.create(u));
    const keyring = await loadOrCreateSqlKeyring(readDb);
    const local = createLocalIdentity({ users, keys: keyring.current, previousPublicKeys: keyring.publicJwks.slice(1), ...common });
    return { deps: { identity: local.provider, verifier: local.verifier, jwks: local.jwks }, describe: 'identity: local issuer (keys and users in the database, schema strata_identity)' };
  }
  await mkdir(dir, { recursive: true });
  const previous = await loadPreviousPublicKey(dir);
  const local = createLocalIdentity({ users: await createFileUserStore(join(dir, 'users.json')), keys: await loadOrCreateSigningKeys(dir), ...(previous ? { previousPublicKeys: [previous] } : {}), ...common });
  return { deps: { identity: local.provider, verifier: local.verifier, jwks: local.jwks }, describe: `identity: local issuer (keys and users in ${join(config.dataDir, 'identity')})` };
};

/**
 * `strata keys rotate`: a new signing key for the local issuer; the previous one stays published
 * and accepted, so tokens it signed keep working until they expire. Processes sign with the new
 * key from their next start (restart them one by one).
 */
export const rotateLocalSigningKey = async (config: Config, readDb: () => Promise<SqlExecutor & { close(): Promise<void> }>): Promise<string> => {
  if (config.identity.kind === 'cognito') throw new Error('with Cognito, signing keys are AWS\'s: nothing to rotate here');
  if (config.store.kind !== 'postgres') {
    const dir = join(resolve(config.dataDir), 'identity');
    await loadOrCreateSigningKeys(dir);
    return rotateFolderSigningKey(dir);
  }
  const db = await readDb();
  try {
    await loadOrCreateSqlKeyring(db);
    return await rotateSigningKey(db);
  } finally {
    await db.close();
  }
};
