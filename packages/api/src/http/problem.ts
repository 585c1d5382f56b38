import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One offending input: `field` is a path such as `items[3].quantity` or the header name. */
export interface FieldError { readonly field: string; readonly message: string }

/** RFC 9457 problem details, plus `errors` naming each offending field. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
}

/** Problem type URIs: stable identifiers clients may switch on (docs/reference/api.md lists them). */
export const problemType = (slug: string): string => `urn:strata:problem:${slug}`;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ProblemInit {
  readonly slug: string;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  readonly title?: string;
}

export const problemBody = (c: Context, status: number, init: ProblemInit): Problem => ({
  type: problemType(init.slug),
  title: init.title ?? TITLES[status] ?? 'Error',
  status,
  ...(init.detail === undefined ? {} : { detail: init.detail }),
  instance: c.req.path,
  ...(init.errors === undefined ? {} : { errors: init.errors }),
});

export const problem = (c: Context, status: ContentfulStatusCode, init: ProblemInit, headers?: Record<string, string>): Response =>
  new Response(JSON.stringify(problemBody(c, status, init)), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });

/** Status for a rejection's `kind` (DomainError and IdentityError share the field). */
export const statusOfKind = (kind: 'not-found' | 'conflict' | 'invalid' | 'forbidden' | 'unauthorized'): ContentfulStatusCode =>
  ({ 'not-found': 404, conflict: 409, invalid: 422, forbidden: 403, unauthorized: 401 } as const)[kind];

/** Turns a rejected command into its problem response. */
export const rejection = (
  c: Context,
  err: { readonly _tag: string; readonly kind: 'not-found' | 'conflict' | 'invalid' | 'forbidden' | 'unauthorized'; readonly message: string; readonly field?: string },
): Response => {
  // A reused Idempotency-Key with another body is the same client mistake whoever detects it.
  const status = err._tag === 'CommandIdReused' ? 422 : statusOfKind(err.kind);
  const slug = err._tag === 'CommandIdReused' ? 'idempotency-key-reused' : err._tag.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  return problem(c, status, {
    slug,
    detail: err.message,
    ...(err.field === undefined ? {} : { errors: [{ field: err.field, message: err.message }] }),
  });
};
