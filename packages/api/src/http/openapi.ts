/*
 * The OpenAPI 3.1 description of the HTTP API, written by hand beside the routes it describes.
 * The unit tests check that every route in the app appears here and the other way round.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$' } };
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Makes the POST safe to retry: the same key and body return the first response; the same key with another body is a 422.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$' },
};
const errors = {
  '400': problemResponse('Malformed input; `errors` names each field'),
  '401': problemResponse('Missing, invalid or expired token'),
  '429': problemResponse('Rate limited; see Retry-After'),
};
const secured = [{ bearer: [] }];

/*
 * Text classes as validation.ts enforces them (docs/reference/api.md, "Text fields"). A JSON
 * Schema pattern cannot say "no lone surrogate", so the descriptions say it.
 */
const LINE_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069]*$';
const PROSE_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$';
const LINE_NOTE = 'Single-line text: no control characters (tab and line breaks included), no bidi embedding/override/isolate controls (U+202A–U+202E, U+2066–U+2069), no lone UTF-16 surrogates.';
const PROSE_NOTE = 'Free text: tab, LF and CR allowed; no other control characters, no NUL, no lone UTF-16 surrogates.';
const SECRET_NOTE = 'No NUL and no lone UTF-16 surrogates.';
/** A single-line text field (names, address lines, product names …). */
const str = (maxLength: number, extra: object = {}) => ({ type: 'string', minLength: 1, maxLength, pattern: LINE_PATTERN, description: LINE_NOTE, ...extra });
/** A free-text field (reasons, comments). */
const prose = (minLength: number, maxLength: number) => ({ type: 'string', minLength, maxLength, pattern: PROSE_PATTERN, description: PROSE_NOTE });

/** The warehouse queries `GET /insights/{query}` runs (packages/projections/sql/warehouse). */
const INSIGHTS = ['revenue_by_day', 'orders_by_status', 'average_order_value', 'top_products', 'revenue_by_country', 'payment_rates', 'payment_outcomes', 'feedback_by_category', 'order_drilldown'] as const;
const dayParam = (name: string, description: string) => ({ name, in: 'query', required: false, description, schema: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } });

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Strata API',
    version: '1.0.0',
    description:
      'Orders, payments, feedback and analytics over an event-sourced core. Prices are decimals in the order currency (default USD); responses add exact minor units (`totalMinor`, `unitPriceMinor`). Errors are RFC 9457 problem documents.',
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The id or access token from POST /login; the `Bearer ` prefix is optional.' },
    },
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status'],
        properties: {
          type: { type: 'string', description: 'urn:strata:problem:<slug>' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          instance: { type: 'string' },
          errors: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
        },
      },
      RegisterRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['email', 'password', 'firstName', 'lastName', 'phoneNumber'],
        properties: {
          email: { type: 'string', format: 'email', maxLength: 254, pattern: LINE_PATTERN },
          password: { type: 'string', minLength: 8, maxLength: 256, description: `Lower- and upper-case letters, a digit and a symbol. ${SECRET_NOTE}` },
          firstName: str(100),
          lastName: str(100),
          phoneNumber: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$' },
        },
      },
      RegisterResponse: { type: 'object', properties: { message: { type: 'string' }, userSub: { type: 'string' }, email: { type: 'string' }, userConfirmed: { type: 'boolean' } } },
      LoginRequest: { type: 'object', additionalProperties: false, required: ['email', 'password'], properties: { email: { type: 'string', format: 'email', maxLength: 254, pattern: LINE_PATTERN }, password: { type: 'string', minLength: 1, maxLength: 256, description: SECRET_NOTE } } },
      RefreshRequest: { type: 'object', additionalProperties: false, required: ['refreshToken'], properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 8192, description: SECRET_NOTE } } },
      Tokens: {
        type: 'object',
        required: ['idToken', 'accessToken', 'expiresIn', 'tokenType'],
        properties: { idToken: { type: 'string' }, accessToken: { type: 'string' }, refreshToken: { type: 'string' }, expiresIn: { type: 'integer' }, tokenType: { const: 'Bearer' } },
      },
      Address: {
        type: 'object',
        additionalProperties: false,
        required: ['street', 'city', 'zipCode', 'country'],
        properties: { street: str(200), city: str(100), zipCode: str(20), country: str(56) },
      },
      PlaceOrderRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['items', 'shippingAddress'],
        properties: {
          userId: { type: 'string', description: 'Optional; must be the signed-in user (403 otherwise)' },
          currency: {
            type: 'string',
            enum: ['USD', 'EUR', 'GBP', 'CHF', 'CAD', 'AUD', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'JPY', 'KRW', 'ISK', 'KWD', 'BHD', 'TND'],
            description: 'Optional: the currency the client expects (client prices are read in it, USD when absent). The order is in its products\' currency; one currency per order (422 currency-mismatch otherwise).',
          },
          items: {
            type: 'array',
            minItems: 1,
            maxItems: 100,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['productId', 'quantity'],
              properties: {
                productId: { ...str(64), description: 'A product of the catalogue (GET /products); unknown or retired → 422 naming the line' },
                productName: { ...str(200), description: 'Accepted and ignored: the catalogue\'s name is recorded' },
                quantity: { type: 'integer', minimum: 1, maximum: 1000000 },
                price: {
                  oneOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: '^\\d+(\\.\\d+)?$', maxLength: 32 }],
                  description: 'Optional: the price the client showed (decimal, at most the currency\'s minor digits; a string must match the pattern exactly, no surrounding spaces). Omitted → the catalogue\'s current price; different from it → 409 price-changed with the current prices.',
                },
              },
            },
          },
          shippingAddress: ref('Address'),
        },
      },
      Order: {
        type: 'object',
        properties: {
          orderId: { type: 'string' },
          userId: { type: 'string' },
          status: { enum: ['placed', 'confirmed', 'shipped', 'delivered', 'cancelled'] },
          currency: { type: 'string' },
          total: { type: 'number' },
          totalMinor: { type: 'integer' },
          items: {
            type: 'array',
            items: { type: 'object', properties: { productId: { type: 'string' }, productName: { type: 'string' }, quantity: { type: 'integer' }, price: { type: 'number' }, unitPriceMinor: { type: 'integer' } } },
          },
          shippingAddress: ref('Address'),
          payment: { type: 'object', properties: { paymentId: { type: 'string' }, status: { type: 'string' }, authorized: { type: 'number' }, captured: { type: 'number' }, refunded: { type: 'number' } } },
          cancelReason: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          version: { type: 'integer', description: 'Order stream version this view reflects' },
        },
      },
      Product: {
        type: 'object',
        properties: {
          productId: { type: 'string' },
          name: { type: 'string' },
          description: { type: 'string' },
          status: { enum: ['listed', 'retired'] },
          currency: { type: 'string' },
          price: { type: 'number', description: 'Decimal, like an order line' },
          priceMinor: { type: 'integer' },
          version: { type: 'integer', description: 'The product stream version: the price version an order records per line' },
          listedAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      ProductPage: { type: 'object', properties: { items: { type: 'array', items: ref('Product') }, count: { type: 'integer' }, nextCursor: { type: 'string' } } },
      ListProductRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['productId', 'name', 'price'],
        properties: {
          productId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$' },
          name: str(200),
          description: { type: 'string', maxLength: 2000 },
          price: { oneOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', pattern: '^\\d+(\\.\\d+)?$' }], description: 'Positive decimal' },
          currency: { type: 'string', default: 'USD', description: 'Fixed for the product\'s life' },
        },
      },
      RepriceRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['price'],
        properties: { price: { oneOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', pattern: '^\\d+(\\.\\d+)?$' }] }, currency: { type: 'string', description: 'Must be the product\'s currency' } },
      },
      PriceChanged: {
        description: 'Problem `urn:strata:problem:price-changed`: a client price differs from the catalogue; re-confirm at these prices.',
        allOf: [
          ref('Problem'),
          {
            type: 'object',
            properties: {
              currentPrices: {
                type: 'array',
                items: { type: 'object', properties: { productId: { type: 'string' }, currency: { type: 'string' }, price: { type: 'number' }, priceMinor: { type: 'integer' }, productVersion: { type: 'integer' } } },
              },
            },
          },
        ],
      },
      OrderPage: { type: 'object', properties: { userId: { type: 'string' }, items: { type: 'array', items: ref('Order') }, count: { type: 'integer' }, nextCursor: { type: 'string' } } },
      FeedbackRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['orderId', 'rating', 'comment', 'category'],
        properties: { userId: { type: 'string' }, orderId: { type: 'string' }, rating: { type: 'integer', minimum: 1, maximum: 5 }, comment: prose(0, 2000), category: str(100) },
      },
      Analytics: {
        type: 'object',
        description: 'Amounts are in minor units of their currency. `detailed` adds revenueByDay, topProducts, payments and feedbackByCategory.',
        properties: {
          reportType: { enum: ['summary', 'detailed'] },
          scope: { enum: ['all', 'customer'] },
          orders: { type: 'integer' },
          revenue: { type: 'array', items: { type: 'object', properties: { currency: { type: 'string' }, amount: { type: 'integer' } } } },
          averageOrderValue: { type: 'array', items: { type: 'object', properties: { currency: { type: 'string' }, amount: { type: 'number' } } } },
          ordersByStatus: { type: 'object', additionalProperties: { type: 'integer' } },
          feedback: { type: 'object', properties: { count: { type: 'integer' }, averageRating: { type: ['number', 'null'] } } },
          generatedAt: { type: 'string', format: 'date-time' },
        },
      },
      Insight: {
        type: 'object',
        required: ['query', 'ranged', 'from', 'to', 'rows'],
        description: 'One warehouse query\'s rows. Amounts are in minor units of their currency; `day` is the UTC day (YYYY-MM-DD).',
        properties: {
          query: { enum: INSIGHTS },
          ranged: { type: 'boolean', description: 'Whether the query honours from/to (payments and feedback are not dated)' },
          from: { type: 'string' },
          to: { type: 'string' },
          rows: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                day: { type: 'string' }, currency: { type: 'string' }, country: { type: 'string' }, status: { type: 'string' }, order_id: { type: 'string' },
                product_id: { type: 'string' }, product_name: { type: 'string' }, category: { type: 'string' },
                amount: { type: 'number' }, orders: { type: 'number' }, quantity: { type: 'number' }, revenue: { type: 'number' }, total: { type: 'number' },
                payments: { type: 'number' }, count: { type: 'number' }, average_rating: { type: ['number', 'null'] }, average_order_value: { type: 'number' },
                requested: { type: 'number' }, authorized: { type: 'number' }, declined: { type: 'number' },
                authorization_rate: { type: ['number', 'null'] }, decline_rate: { type: ['number', 'null'] },
              },
            },
          },
        },
      },
      History: {
        type: 'object',
        properties: {
          orderId: { type: 'string' },
          verified: { type: 'boolean', description: 'Every listed stream\'s hash chain verifies' },
          streams: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                streamId: { type: 'string' },
                chain: { type: 'object', properties: { ok: { type: 'boolean' }, events: { type: 'integer' }, firstBreak: { type: 'object' } } },
                events: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      eventId: { type: 'string' }, streamVersion: { type: 'integer' }, type: { type: 'string' }, schemaVersion: { type: 'integer' },
                      occurredAt: { type: 'string' }, actor: { type: 'object' }, commandId: { type: 'string' }, causationId: { type: 'string' },
                      correlationId: { type: 'string' }, prevHash: { type: 'string' }, hash: { type: 'string' }, data: { type: 'object' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  paths: {
    '/register': {
      post: {
        summary: 'Create an account (role customer)',
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json(ref('RegisterRequest')) },
        responses: { '201': { description: 'Registered', content: json(ref('RegisterResponse')) }, '409': problemResponse('E-mail already registered'), '422': problemResponse('Password too weak'), ...errors },
      },
    },
    '/login': {
      post: {
        summary: 'Sign in; returns id, access and refresh tokens',
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json(ref('LoginRequest')) },
        responses: { '200': { description: 'Tokens', content: json(ref('Tokens')) }, ...errors },
      },
    },
    '/token/refresh': {
      post: {
        summary: 'New id and access tokens for a refresh token',
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json(ref('RefreshRequest')) },
        responses: { '200': { description: 'Tokens (without a new refresh token)', content: json(ref('Tokens')) }, ...errors },
      },
    },
    '/orders': {
      post: {
        summary: 'Place an order; answers once the order is readable (read-your-writes)',
        security: secured,
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json(ref('PlaceOrderRequest')) },
        responses: {
          '201': { description: 'Placed at the catalogue\'s prices', content: json(ref('Order')) },
          '403': problemResponse('userId is not the caller'),
          '409': { description: 'price-changed: a client price differs from the catalogue', content: { 'application/problem+json': { schema: ref('PriceChanged') } } },
          '422': problemResponse('Unknown or retired product (naming the line), mixed currencies, rejected by the domain, or Idempotency-Key reused with another body'),
          ...errors,
        },
      },
      get: {
        summary: "List a customer's orders, newest first",
        security: secured,
        parameters: [
          { name: 'userId', in: 'query', required: false, schema: { type: 'string' }, description: 'Defaults to the caller; another user needs role admin or auditor (403 otherwise)' },
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'cursor', in: 'query', required: false, schema: { type: 'string' }, description: 'nextCursor of the previous page' },
        ],
        responses: { '200': { description: 'A page of orders', content: json(ref('OrderPage')) }, '403': problemResponse('userId is not the caller'), ...errors },
      },
    },
    '/orders/{id}': {
      get: {
        summary: 'One order (owner, admin, auditor; anyone else gets 404)',
        security: secured,
        parameters: [idParam],
        responses: { '200': { description: 'The order', content: json(ref('Order')) }, '404': problemResponse('No such order visible to the caller'), ...errors },
      },
    },
    '/orders/{id}/cancel': {
      post: {
        summary: 'Cancel an order (owner or admin)',
        security: secured,
        parameters: [idParam, idempotencyKey],
        requestBody: { required: false, content: json({ type: 'object', additionalProperties: false, properties: { reason: prose(1, 500) } }) },
        responses: { '200': { description: 'Cancelled', content: json(ref('Order')) }, '404': problemResponse('No such order'), '409': problemResponse('Not cancellable in its status'), ...errors },
      },
    },
    '/orders/{id}/ship': {
      post: {
        summary: 'Mark a paid order shipped (admin)',
        security: secured,
        parameters: [idParam, idempotencyKey],
        requestBody: { required: false, content: json({ type: 'object', additionalProperties: false, properties: { carrier: str(100), trackingNumber: str(100) } }) },
        responses: { '200': { description: 'Shipped', content: json(ref('Order')) }, '403': problemResponse('Not an admin'), '404': problemResponse('No such order'), '409': problemResponse('Not shippable in its status'), ...errors },
      },
    },
    '/orders/{id}/deliver': {
      post: {
        summary: 'Mark a shipped order delivered (admin)',
        security: secured,
        parameters: [idParam, idempotencyKey],
        requestBody: { required: false, content: json({ type: 'object', additionalProperties: false, properties: {} }) },
        responses: { '200': { description: 'Delivered', content: json(ref('Order')) }, '403': problemResponse('Not an admin'), '404': problemResponse('No such order'), '409': problemResponse('Not deliverable in its status'), ...errors },
      },
    },
    '/orders/{id}/history': {
      get: {
        summary: "The order's, its payment's and its feedback's events with actor, time, causation and correlation ids, and hash-chain verification (owner, admin, auditor)",
        security: secured,
        parameters: [idParam],
        responses: { '200': { description: 'Audit history', content: json(ref('History')) }, '404': problemResponse('No such order visible to the caller'), ...errors },
      },
    },
    '/feedback': {
      post: {
        summary: 'Feedback on one of your orders (once per order)',
        security: secured,
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json(ref('FeedbackRequest')) },
        responses: { '201': { description: 'Recorded' }, '403': problemResponse('userId is not the caller'), '404': problemResponse('No such order of yours'), '409': problemResponse('Feedback already given'), ...errors },
      },
    },
    '/analytics': {
      get: {
        summary: 'Sales analytics: everyone for analyst and admin, your own figures otherwise',
        security: secured,
        parameters: [{ name: 'reportType', in: 'query', required: false, schema: { enum: ['summary', 'detailed'], default: 'summary' } }],
        responses: { '200': { description: 'The report', content: json(ref('Analytics')) }, ...errors },
      },
    },
    '/insights/{query}': {
      get: {
        summary: 'A warehouse query for dashboards (analyst, admin): the same SQL as Athena, over a date range; `order_drilldown` lists orders without personal data',
        security: secured,
        parameters: [
          { name: 'query', in: 'path', required: true, schema: { enum: INSIGHTS } },
          dayParam('from', 'First day, inclusive (default: the beginning)'),
          dayParam('to', 'Last day, inclusive (default: the end)'),
        ],
        responses: { '200': { description: 'The rows', content: json(ref('Insight')) }, '403': problemResponse('Not an analyst or admin'), '404': problemResponse('No such query'), '503': problemResponse('No warehouse in this deployment'), ...errors },
      },
    },
    '/cached/orders/{id}': {
      get: {
        summary: "An order's status from the hot cache",
        security: secured,
        parameters: [idParam],
        responses: { '200': { description: 'Cached status' }, '404': problemResponse('Not cached or not visible'), ...errors },
      },
    },
    '/admin/dead-letters': {
      get: {
        summary: 'Events a projection could not apply, with their errors (admin; `strata dlq list` beside a running engine)',
        security: secured,
        parameters: [{ name: 'projection', in: 'query', required: false, schema: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$' } }],
        responses: { '200': { description: 'Open dead letters', content: json({ type: 'object', properties: { items: { type: 'array', items: { type: 'object' } } } }) }, '403': problemResponse('Not an admin'), ...errors },
      },
    },
    '/admin/dead-letters/redrive': {
      post: {
        summary: 'Applies dead letters again (all, or one projection\'s); those that still fail keep their error (admin)',
        security: secured,
        requestBody: { required: false, content: json({ type: 'object', additionalProperties: false, properties: { projection: { type: 'string' } } }) },
        responses: { '200': { description: 'Counts', content: json({ type: 'object', properties: { redriven: { type: 'integer' }, failed: { type: 'integer' } } }) }, '403': problemResponse('Not an admin'), ...errors },
      },
    },
    '/admin/replays': {
      post: {
        summary: 'Rebuilds a read model from the whole history inside the engine (admin; `strata replay` beside a running engine)',
        security: secured,
        requestBody: { required: true, content: json({ type: 'object', additionalProperties: false, required: ['projection'], properties: { projection: { enum: ['relational', 'lake'] }, dryRun: { type: 'boolean', description: 'only count the events and estimate the time' } } }) },
        responses: { '202': { description: 'Started; poll the Location' }, '403': problemResponse('Not an admin'), '409': problemResponse('A replay is already running'), ...errors },
      },
    },
    '/admin/replays/{id}': {
      get: {
        summary: "A replay's progress: events applied of the total, events/s, ETA, and its outcome (admin)",
        security: secured,
        parameters: [idParam],
        responses: { '200': { description: 'The replay' }, '403': problemResponse('Not an admin'), '404': problemResponse('No such replay'), ...errors },
      },
    },
    '/admin/grants': {
      post: {
        summary: 'Gives a user a role: admin, analyst, auditor or customer (admin; `strata grant` beside a running engine)',
        security: secured,
        requestBody: { required: true, content: json({ type: 'object', additionalProperties: false, required: ['userSub', 'role'], properties: { userSub: { type: 'string' }, role: { enum: ['customer', 'admin', 'analyst', 'auditor'] } } }) },
        responses: { '204': { description: 'Granted; the user signs in again for a token that carries it' }, '403': problemResponse('Not an admin'), '404': problemResponse('No such user'), ...errors },
      },
    },
    '/admin/leases': {
      get: {
        summary: 'Every consumer lease, its holder process and fencing token (admin)',
        security: secured,
        responses: { '200': { description: 'Leases' }, '403': problemResponse('Not an admin'), ...errors },
      },
    },
    '/products': {
      post: {
        summary: 'List a product in the catalogue (admin)',
        security: secured,
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json(ref('ListProductRequest')) },
        responses: { '201': { description: 'Listed', content: json(ref('Product')) }, '403': problemResponse('Not an admin'), '409': problemResponse('Already listed with other details, or retired'), ...errors },
      },
      get: {
        summary: 'Browse the catalogue: listed products by name (public, no token)',
        parameters: [
          { name: 'q', in: 'query', required: false, schema: { type: 'string', maxLength: 200 }, description: 'Case-insensitive substring of the name' },
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'cursor', in: 'query', required: false, schema: { type: 'string' }, description: 'nextCursor of the previous page' },
        ],
        responses: { '200': { description: 'A page of products', content: json(ref('ProductPage')) }, '400': errors['400'], '429': errors['429'] },
      },
    },
    '/products/{id}': {
      get: {
        summary: 'One product, listed or retired (public, no token); ETag carries its version',
        parameters: [idParam],
        responses: { '200': { description: 'The product', content: json(ref('Product')) }, '404': problemResponse('No such product'), '400': errors['400'], '429': errors['429'] },
      },
    },
    '/products/{id}/price': {
      post: {
        summary: 'Reprice a listed product, in its own currency (admin)',
        security: secured,
        parameters: [idParam, idempotencyKey],
        requestBody: { required: true, content: json(ref('RepriceRequest')) },
        responses: { '200': { description: 'Repriced', content: json(ref('Product')) }, '403': problemResponse('Not an admin'), '404': problemResponse('No such product'), '409': problemResponse('Retired'), '422': problemResponse('Another currency'), ...errors },
      },
    },
    '/products/{id}/retire': {
      post: {
        summary: 'Retire a product: no longer sold or repriced (admin)',
        security: secured,
        parameters: [idParam, idempotencyKey],
        requestBody: { required: false, content: json({ type: 'object', additionalProperties: false, properties: {} }) },
        responses: { '200': { description: 'Retired', content: json(ref('Product')) }, '403': problemResponse('Not an admin'), '404': problemResponse('No such product'), ...errors },
      },
    },
    '/health': { get: { summary: 'Liveness', responses: { '200': { description: 'The process serves requests' } } } },
    '/ready': {
      get: {
        summary: 'Readiness: dependencies reachable, the read model caught up with the store as of start; the roles and leases of this process',
        responses: { '200': { description: 'Ready' }, '503': { description: 'A dependency is unreachable, or the read model is still replaying events from before start' } },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics of this process (every process serves them, whatever its roles)',
        responses: { '200': { description: 'Prometheus text exposition 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    '/docs': { get: { summary: 'Readable API reference (HTML)', responses: { '200': { description: 'HTML' } } } },
    '/.well-known/jwks.json': { get: { summary: "The local issuer's public keys (local identity only)", responses: { '200': { description: 'JWKS' }, '404': { description: 'Not the local issuer' } } } },
  },
} as const;
