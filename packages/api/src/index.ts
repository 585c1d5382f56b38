/**
 * @strata/api — the HTTP app (REST commands and queries, identity, OpenAPI) and the identity
 * port with its local issuer. Cognito is the subpath `@strata/api/identity/cognito`.
 */
export { createApi } from './http/app.js';
export type { AnalyticsWarehouse, ApiDeps, ApiOptions, Logger, ReadinessReport } from './http/deps.js';
export type { ApiEnv } from './http/context.js';
export type { AdminOperations, ReplayJob } from './http/routes.admin.js';
export { lambdaHandler } from './lambda.js';
export { openApiDocument } from './http/openapi.js';
export { createMemoryRateLimiter, type RateLimiter, type TokenBucketOptions } from './http/rateLimit.js';
export { createSqlIdempotencyStore } from './http/idempotency.sql.js';
export { createMemoryIdempotencyStore, type IdempotencyRecord, type IdempotencyStore, type StoredResponse } from './http/idempotency.js';
export { problemType, type FieldError, type Problem } from './http/problem.js';
export * from './identity/ports.js';
export { createLocalIdentity, type LocalIdentity, type LocalIdentityOptions } from './identity/local.js';
export { createJwksVerifier, type JwksVerifierOptions } from './identity/verifier.jwks.js';
export { createCachedVerifier, type CachedVerifierOptions } from './identity/verifier.cached.js';
export { generateSigningKeys, loadOrCreateSigningKeys, loadPreviousPublicKey, rotateFolderSigningKey, signingKeysFromJwk, type SigningKeys } from './identity/keys.js';
export { DEFAULT_SCRYPT, hashPassword, verifyPassword, type ScryptParams } from './identity/password.scrypt.js';
export { createMemoryUserStore } from './identity/userStore.memory.js';
export { createFileUserStore } from './identity/userStore.file.js';
export { createSqlUserStore } from './identity/userStore.sql.js';
export { loadOrCreateSqlKeyring, rotateSigningKey, type SqlKeyring } from './identity/keys.sql.js';
export { issueOperatorToken } from './identity/operatorToken.js';
