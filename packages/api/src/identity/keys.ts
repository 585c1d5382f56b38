import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type SignJWT } from 'jose';

type PrivateKey = Parameters<SignJWT['sign']>[0];

/** The local issuer's RS256 key pair; `publicJwk` carries `kid`, `alg` and `use` for the JWKS. */
export interface SigningKeys {
  readonly privateKey: PrivateKey;
  readonly publicJwk: JWK;
  readonly kid: string;
}

const publicPart = (jwk: JWK): JWK => ({ kty: 'RSA', n: jwk.n ?? '', e: jwk.e ?? '' });

export const signingKeysFromJwk = async (privateJwk: JWK): Promise<SigningKeys> => {
  const kid = await calculateJwkThumbprint(publicPart(privateJwk));
  const privateKey = await importJWK(privateJwk, 'RS256');
  return { privateKey, kid, publicJwk: { ...publicPart(privateJwk), kid, alg: 'RS256', use: 'sig' } };
};

export const generateSigningKeys = async (): Promise<SigningKeys> => {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  return signingKeysFromJwk(await exportJWK(privateKey));
};

/**
 * Loads the key pair from `<dataDir>/identity-signing-key.json`, creating it on first start, so
 * tokens issued before a restart still verify after it. The file is readable by its owner only.
 */
export const loadOrCreateSigningKeys = async (dataDir: string): Promise<SigningKeys> => {
  const file = join(dataDir, 'identity-signing-key.json');
  try {
    return await signingKeysFromJwk(JSON.parse(await readFile(file, 'utf8')) as JWK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read the signing key ${file}`, { cause: err });
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
    // Another process created it first: use theirs so both verify the same tokens.
    if (err.code !== 'EEXIST') throw new Error(`cannot write the signing key ${file}`, { cause: err });
  });
  return signingKeysFromJwk(JSON.parse(await readFile(file, 'utf8')) as JWK);
};

/** The public key that signed before the last rotation, if any (`strata keys rotate`). */
export const loadPreviousPublicKey = async (dataDir: string): Promise<JWK | undefined> => {
  try {
    return (await signingKeysFromJwk(JSON.parse(await readFile(join(dataDir, 'identity-signing-key.previous.json'), 'utf8')) as JWK)).publicJwk;
  } catch {
    return undefined;
  }
};

/**
 * Rotates the data folder's signing key: the current key becomes the previous one (still
 * accepted and published until the tokens it signed expire) and a new key signs from the next
 * start. Returns the new key's id.
 */
export const rotateFolderSigningKey = async (dataDir: string): Promise<string> => {
  const file = join(dataDir, 'identity-signing-key.json');
  const current = await readFile(file, 'utf8');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  await writeFile(join(dataDir, 'identity-signing-key.previous.json'), current, { mode: 0o600 });
  await writeFile(`${file}.tmp`, JSON.stringify(jwk), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return (await signingKeysFromJwk(jwk)).kid;
};
