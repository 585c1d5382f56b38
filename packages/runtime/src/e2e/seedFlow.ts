/**
 * The seed's REST test flow (../shared/seed/enterprise-architecture.md, section TESTING), step by
 * step, as the PowerShell client sends it: raw token in `Authorization`, decimal prices, the
 * `userId` from registration in bodies and queries. Used by the e2e suites against a started
 * runtime (over HTTP) and against the Lambda entry (API Gateway proxy events).
 */
export type Send = (method: string, path: string, init?: { body?: unknown; token?: string }) => Promise<{ status: number; body: unknown }>;

export interface SeedFlowResult {
  readonly register: { status: number; body: Record<string, unknown> };
  readonly login: { status: number; body: Record<string, unknown> };
  readonly createOrder: { status: number; body: Record<string, unknown> };
  readonly listOrders: { status: number; body: Record<string, unknown> };
  readonly getOrder: { status: number; body: Record<string, unknown> };
  readonly feedback: { status: number; body: Record<string, unknown> };
  readonly analytics: { status: number; body: Record<string, unknown> };
  readonly analyticsDetailed: { status: number; body: Record<string, unknown> };
  readonly userId: string;
  readonly orderId: string;
  readonly email: string;
  readonly password: string;
}

const asRecord = (r: { status: number; body: unknown }) => ({ status: r.status, body: (r.body ?? {}) as Record<string, unknown> });

export const runSeedFlow = async (send: Send, unique: string): Promise<SeedFlowResult> => {
  const email = `newrun${unique}@example.com`;
  const password = `ComplexP@ss${1000 + (unique.length % 9000)}`;
  const register = asRecord(
    await send('POST', '/register', {
      body: { email, password, firstName: 'NewRun', lastName: 'Test', phoneNumber: '+11234567890' },
    }),
  );
  const userId = String(register.body.userSub);
  const login = asRecord(await send('POST', '/login', { body: { email, password } }));
  const token = String(login.body.idToken);
  const createOrder = asRecord(
    await send('POST', '/orders', {
      token,
      body: {
        userId,
        items: [
          { productId: 'NEWPROD001', productName: 'Fresh Product', quantity: 2, price: 25.0 },
          { productId: 'NEWPROD002', productName: 'Another Item', quantity: 1, price: 49.5 },
        ],
        shippingAddress: { street: '789 New Deploy Ave', city: 'CloudNine', zipCode: '11223', country: 'DE' },
      },
    }),
  );
  const orderId = String(createOrder.body.orderId);
  const listOrders = asRecord(await send('GET', `/orders?userId=${encodeURIComponent(userId)}`, { token }));
  const getOrder = asRecord(await send('GET', `/orders/${encodeURIComponent(orderId)}`, { token }));
  const feedback = asRecord(
    await send('POST', '/feedback', {
      token,
      body: { userId, orderId, rating: 5, comment: `Testing new deployment ${unique} - Feedback function.`, category: 'Deployment Test' },
    }),
  );
  const analytics = asRecord(await send('GET', '/analytics', { token }));
  const analyticsDetailed = asRecord(await send('GET', '/analytics?reportType=detailed', { token }));
  return { register, login, createOrder, listOrders, getOrder, feedback, analytics, analyticsDetailed, userId, orderId, email, password };
};

/** A `Send` over real HTTP (fetch) to a started runtime. */
export const httpSend = (baseUrl: string): Send => async (method, path, init = {}) => {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token !== undefined) headers.authorization = init.token; // raw, as the seed sends it
  const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* non-JSON body: keep the text */
  }
  return { status: res.status, body };
};
