/*
 * The API client: openapi-fetch over the types openapi-typescript generates at build time from
 * the API's own OpenAPI document (`schema.gen.ts`, never hand-written). One base path (`/api`)
 * locally and behind CloudFront; the session's token goes in `Authorization`.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.gen';
import { session } from '../session';

export type Schemas = components['schemas'];
export type Order = Schemas['Order'];
export type History = Schemas['History'];
export type Insight = Schemas['Insight'];
export type InsightName = Insight['query'];
export type Problem = Schemas['Problem'];

let base = '/api';

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.value?.idToken;
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    // An expired or revoked token: back to sign-in rather than a page of errors.
    if (response.status === 401 && session.value) session.signOut('Your session has ended; please sign in again.');
    return response;
  },
};

export let api = createClient<paths>({ baseUrl: base });
api.use(auth);

/** Points the client at the configured base path (`/config.json`'s `apiBase`). */
export const configureApi = (apiBase: string): void => {
  base = apiBase.replace(/\/$/, '');
  api = createClient<paths>({ baseUrl: base });
  api.use(auth);
};

/** A path under the API base, for the few plain-text or not-yet-described endpoints (`/metrics`, `/products`). */
export const apiUrl = (path: string): string => `${base}${path}`;

/** The message a problem document carries, for a page to show. */
export const problemText = (error: unknown, fallback = 'Something went wrong.'): string => {
  const p = error as Partial<Problem> | undefined;
  if (p && typeof p === 'object') {
    const fields = p.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
    return [p.detail ?? p.title, fields].filter(Boolean).join(' — ') || fallback;
  }
  return fallback;
};
