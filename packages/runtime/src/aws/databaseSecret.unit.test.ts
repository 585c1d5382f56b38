import { describe, expect, it } from '@jest/globals';
import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../config.js';
import { databaseUrlFromSecret, DatabaseSecretError, withDatabaseUrl } from './databaseSecret.js';

const secret = { username: 'strata', password: 'p@ss:w/rd', host: 'db.example.internal', port: 5432, dbname: 'strata', engine: 'postgres' };

describe('read-model database secret', () => {
  it('builds DATABASE_URL from the RDS secret, escaping the password, with verified TLS', async () => {
    const asked: string[] = [];
    const client = () => ({
      async send(command: GetSecretValueCommand) {
        asked.push(command.input.SecretId!);
        return { SecretString: JSON.stringify(secret) };
      },
    });
    const env = await withDatabaseUrl({ STRATA_DATABASE_SECRET_ARN: 'arn:secret', STRATA_STORE: 'memory' }, client);
    expect(asked).toEqual(['arn:secret']);
    expect(env.DATABASE_URL).toBe('postgres://strata:p%40ss%3Aw%2Frd@db.example.internal:5432/strata?sslmode=verify-full');
    expect(loadConfig(env).readModel).toEqual({ kind: 'postgres', url: env.DATABASE_URL });
  });

  it('keeps an explicit DATABASE_URL and asks nothing', async () => {
    const env = { STRATA_DATABASE_SECRET_ARN: 'arn:secret', DATABASE_URL: 'postgres://x@h/db' };
    expect(await withDatabaseUrl(env, () => { throw new Error('must not be called'); })).toBe(env);
  });

  it('names the missing field of a malformed secret', () => {
    expect(() => databaseUrlFromSecret(JSON.stringify({ ...secret, host: undefined }))).toThrow(DatabaseSecretError);
    expect(() => databaseUrlFromSecret('not json')).toThrow(DatabaseSecretError);
  });
});
