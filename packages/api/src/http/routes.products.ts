import type { Hono } from 'hono';
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { Currency, isIdentifier, toMinorUnits, type Currency as CurrencyCode, type MinorUnits } from '@strata/events';
import type { CommandResult, PriceChanged } from '@strata/write-model';
import type { ProductView } from '@strata/projections';
import type { ApiDeps } from './deps.js';
import { authorize, commandContext, invalid, readBody, readQuery, type ApiContext, type ApiEnv } from './context.js';
import { decimalOf } from './present.js';
import { problem, problemBody, rejection } from './problem.js';
import { closed, decimal, identifier, text } from './validation.js';

/*
 * The catalogue: admins list, reprice and retire products; anyone browses (no token needed).
 * Browsing reads the relational read model; orders are priced from the product streams (decision 0007).
 */

export const ListProductBody = closed('ListProductBody', { productId: identifier, name: text(1, 200), price: decimal }, { description: text(0, 2000), currency: Currency });
export const RepriceBody = closed('RepriceBody', { price: decimal }, { currency: Currency });
export const RetireBody = closed('RetireBody', {});
const limitParam = new t.Type<number, string, unknown>(
  'limit',
  (u): u is number => typeof u === 'number',
  (u, c) => (typeof u === 'string' && /^[0-9]{1,3}$/.test(u) && Number(u) >= 1 && Number(u) <= 100 ? t.success(Number(u)) : t.failure(u, c, 'must be an integer from 1 to 100')),
  String,
);
export const ListProductsQuery = closed('ListProductsQuery', {}, { limit: limitParam, cursor: text(1, 512), q: text(1, 200) });

type Deps = Pick<ApiDeps, 'writeModel' | 'products' | 'clock' | 'newId'>;

/** A product as the API shows it: the decimal price like an order line's, beside exact minor units. */
export const presentProduct = (p: ProductView) => ({
  productId: p.productId,
  name: p.name,
  description: p.description,
  status: p.status,
  currency: p.currency,
  price: decimalOf(p.price, p.currency),
  priceMinor: p.price,
  version: p.version,
  listedAt: p.listedAt,
  updatedAt: p.updatedAt,
});

/** The 409 `price-changed`: every line's current price, so a client with a stale page can re-confirm. */
export const priceChangedResponse = (c: ApiContext, err: PriceChanged): Response =>
  new Response(
    JSON.stringify({
      ...problemBody(c, 409, { slug: 'price-changed', detail: err.message, ...(err.field === undefined ? {} : { errors: [{ field: err.field, message: err.message }] }) }),
      currentPrices: err.prices.map((p) => ({ productId: p.productId, currency: p.currency, price: decimalOf(p.unitPrice, p.currency), priceMinor: p.unitPrice, productVersion: p.productVersion })),
    }),
    { status: 409, headers: { 'content-type': 'application/problem+json' } },
  );

const productIdParam = (c: ApiContext): E.Either<Response, string> => {
  const id = c.req.param('id');
  return isIdentifier(id) ? E.right(id) : E.left(invalid(c, [{ field: 'id', message: 'must be 1-128 letters, digits or _ . : -' }]));
};

const notFound = (c: ApiContext, productId: string) => problem(c, 404, { slug: 'product-not-found', detail: `no product ${productId}` });

/** The price in minor units of `currency`, or the 400 naming the field. */
const priceOf = (c: ApiContext, price: number | string, currency: CurrencyCode): E.Either<Response, MinorUnits> => {
  const minor = toMinorUnits(price, currency);
  if (E.isLeft(minor)) return E.left(invalid(c, [{ field: 'price', message: minor.left.message }]));
  return minor.right > 0 ? E.right(minor.right) : E.left(invalid(c, [{ field: 'price', message: 'must be greater than 0' }]));
};

/**
 * A product command's answer: the product as its stream now has it (the command's own result,
 * so the answer never waits for the read model).
 */
const commandResponse = async (c: ApiContext, deps: Deps, productId: string, result: CommandResult, status: 200 | 201) => {
  if (E.isLeft(result)) return rejection(c, result.left);
  const { state, version, envelopes } = await deps.writeModel.loadProduct(productId);
  if (state.status === 'none') return notFound(c, productId);
  const listedAt = envelopes[0]?.occurredAt ?? deps.clock().toISOString();
  const updatedAt = envelopes[envelopes.length - 1]?.occurredAt ?? listedAt;
  if (status === 201) c.header('location', `/products/${productId}`);
  return c.json(
    presentProduct({ productId, name: state.name, description: state.description, status: state.status, price: state.price.amount, currency: state.price.currency, listedAt, updatedAt, version }),
    status,
  );
};

export const productRoutes = (app: Hono<ApiEnv>, deps: Deps): void => {
  app.post('/products', async (c) => {
    const principal = authorize(c, ['admin']);
    if (E.isLeft(principal)) return principal.left;
    const body = await readBody(c, ListProductBody);
    if (E.isLeft(body)) return body.left;
    const currency = body.right.currency ?? 'USD';
    const amount = priceOf(c, body.right.price, currency);
    if (E.isLeft(amount)) return amount.left;
    const { productId, name } = body.right;
    const result = await deps.writeModel.listProduct(
      { productId, name, description: body.right.description ?? '', price: { amount: amount.right, currency }},
      commandContext(c, principal.right, deps),
    );
    return commandResponse(c, deps, productId, result, 201);
  });

  app.post('/products/:id/price', async (c) => {
    const principal = authorize(c, ['admin']);
    if (E.isLeft(principal)) return principal.left;
    const productId = productIdParam(c);
    if (E.isLeft(productId)) return productId.left;
    const body = await readBody(c, RepriceBody);
    if (E.isLeft(body)) return body.left;
    // The product's own currency unless the admin names one (another one is refused by the decider).
    const current = await deps.writeModel.loadProduct(productId.right);
    if (current.state.status === 'none') return notFound(c, productId.right);
    const currency = body.right.currency ?? current.state.price.currency;
    const amount = priceOf(c, body.right.price, currency);
    if (E.isLeft(amount)) return amount.left;
    const result = await deps.writeModel.repriceProduct(
      { productId: productId.right, price: { amount: amount.right, currency }},
      commandContext(c, principal.right, deps),
    );
    return commandResponse(c, deps, productId.right, result, 200);
  });

  app.post('/products/:id/retire', async (c) => {
    const principal = authorize(c, ['admin']);
    if (E.isLeft(principal)) return principal.left;
    const productId = productIdParam(c);
    if (E.isLeft(productId)) return productId.left;
    const body = await readBody(c, RetireBody, true);
    if (E.isLeft(body)) return body.left;
    const result = await deps.writeModel.retireProduct({ productId: productId.right }, commandContext(c, principal.right, deps));
    return commandResponse(c, deps, productId.right, result, 200);
  });

  // Public: a storefront browses without signing in.
  app.get('/products', async (c) => {
    const query = readQuery(c, ListProductsQuery);
    if (E.isLeft(query)) return query.left;
    const { limit = 20, cursor, q } = query.right;
    const page = await deps.products.listProducts({ limit, ...(cursor === undefined ? {} : { cursor }), ...(q === undefined ? {} : { q }) });
    return c.json({ items: page.items.map(presentProduct), count: page.items.length, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) });
  });

  app.get('/products/:id', async (c) => {
    const productId = productIdParam(c);
    if (E.isLeft(productId)) return productId.left;
    const view = await deps.products.getProduct(productId.right);
    if (view === undefined) return notFound(c, productId.right);
    // The version is the price version: a client may revalidate cheaply.
    c.header('etag', `"${view.productId}@${view.version}"`);
    return c.json(presentProduct(view));
  });
};
