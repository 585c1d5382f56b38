/**
 * The read-model database credentials on AWS: RDS writes them to Secrets Manager as JSON
 * (`username`, `password`, `host`, `port`, `dbname`); the Lambdas get the secret's ARN
 * (`STRATA_DATABASE_SECRET_ARN`) and turn it into the `DATABASE_URL` the runtime's config reads.
 */
import { GetSecretValueCommand, type GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { EnvKey } from '../names.js';

/** The secret is missing a field or is not JSON: a deployment fault, never retried. */
export class DatabaseSecretError extends Error {
  readonly code = 'DATABASE_SECRET_INVALID';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseSecretError';
  }
}

export interface SecretsClient {
  send(command: GetSecretValueCommand): Promise<Pick<GetSecretValueCommandOutput, 'SecretString'>>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A PostgreSQL URL from an RDS secret. TLS with certificate verification (`sslmode=verify-full`):
 * RDS for PostgreSQL 15+ refuses plain connections, and the Lambda runtime's RDS CA bundle is
 * loaded through `NODE_EXTRA_CA_CERTS` (set by the CDK app).
 */
export const databaseUrlFromSecret = (secretString: string | undefined): string => {
  let secret: Record<string, unknown>;
  try {
    secret = JSON.parse(secretString ?? '') as Record<string, unknown>;
  } catch (cause) {
    throw new DatabaseSecretError('the database secret is not JSON', { cause });
  }
  const field = (name: string): string => {
    const v = secret[name];
    if ((typeof v !== 'string' && typeof v !== 'number') || String(v) === '') throw new DatabaseSecretError(`the database secret has no ${name}`);
    return String(v);
  };
  const user = encodeURIComponent(field('username'));
  const password = encodeURIComponent(field('password'));
  return `postgres://${user}:${password}@${field('host')}:${field('port')}/${encodeURIComponent(field('dbname'))}?sslmode=verify-full`;
};

/**
 * The environment with `DATABASE_URL` filled from the secret when only the secret's ARN is set;
 * an explicit `DATABASE_URL` wins (and costs no Secrets Manager call).
 */
export const withDatabaseUrl = async (env: Env, client: () => SecretsClient): Promise<Env> => {
  const arn = env[EnvKey.databaseSecretArn];
  if (arn === undefined || arn === '' || (env[EnvKey.databaseUrl] ?? '') !== '') return env;
  const { SecretString } = await client().send(new GetSecretValueCommand({ SecretId: arn }));
  return { ...env, [EnvKey.databaseUrl]: databaseUrlFromSecret(SecretString) };
};
