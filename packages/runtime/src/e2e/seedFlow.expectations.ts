/**
 * The seed flow's expectations, shared by every host it runs on (HTTP against `strata start`,
 * the Lambda entry with API Gateway events, DynamoDB Local): one definition of "the user's own
 * acceptance test passes".
 */
import { expect, it } from '@jest/globals';
import type { SeedFlowResult } from './seedFlow.js';

export const itPassesTheSeedFlow = (flow: () => SeedFlowResult): void => {
  it('registers and logs in', () => {
    expect(flow().register.status).toBe(201);
    expect(typeof flow().register.body.userSub).toBe('string');
    expect(flow().login.status).toBe(200);
    expect(typeof flow().login.body.idToken).toBe('string');
  });

  it('creates the order with the exact total of the decimal prices', () => {
    expect(flow().createOrder.status).toBe(201);
    expect(flow().createOrder.body).toMatchObject({ orderId: expect.any(String), total: 99.5 });
  });

  it('lists and reads the order right after creating it (read-your-writes)', () => {
    expect(flow().listOrders.status).toBe(200);
    const items = flow().listOrders.body.items as Array<{ orderId: string }>;
    expect(items.map((o) => o.orderId)).toContain(flow().orderId);
    expect(flow().getOrder.status).toBe(200);
    expect(flow().getOrder.body).toMatchObject({ orderId: flow().orderId, total: 99.5 });
  });

  it('accepts feedback and reports analytics that count the order', () => {
    expect(flow().feedback.status).toBe(201);
    expect(flow().analytics.status).toBe(200);
    expect(flow().analytics.body.orders).toBe(1);
    expect(flow().analyticsDetailed.status).toBe(200);
    expect(flow().analyticsDetailed.body).toHaveProperty('topProducts');
  });
};
