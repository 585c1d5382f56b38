import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { WORKFLOWS, taskStates, workflowDefinitions } from '@strata/workflows';
import { measureAll, type PathMeasure } from './measure.js';
import { breakdownOf, unitsOf } from './model.js';

// The cost model's counts are measured on the code (measure.ts); this pins them, so a change to
// the ASL documents, the routing rules, the steps or the write model that changes what one order
// costs fails here first, with the difference — then update the numbers and decision 0004.
jest.setTimeout(60_000);

let measured: Record<string, PathMeasure>;
beforeAll(async () => {
  measured = Object.fromEntries((await measureAll()).map((m) => [m.path, m]));
});

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
/** What a path did, without byte counts (sizes are priced, not pinned). */
const shapeOf = (m: PathMeasure) => ({
  api: m.apiCommands,
  commits: m.commits.map((c) => `${c.types.join('+')}: ${c.writeUnits} WCU`),
  readUnits: {
    api: sum(m.dynamo.filter((r) => r.op === 'query' && r.by === 'api').map((r) => r.units)),
    steps: sum(m.dynamo.filter((r) => r.op === 'query' && r.by === 'task').map((r) => r.units)),
  },
  /** The notification consumer's lookups: the read model answers them on AWS. */
  notificationLookups: m.dynamo.filter((r) => r.by === 'stream').length,
  stepInvocations: m.tasks.map((t) => {
    const provider = Object.entries(t.providerRequests).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
    return `${t.state}${t.failed ? ' (failed)' : ''}: ${t.dynamoRequests} DynamoDB${provider.length > 0 ? `, ${provider.join(', ')}` : ''}`;
  }),
  executions: m.executions.map((e) => `${e.workflow} ${e.status}: ${e.statesEntered} states, ${e.retries.length} retries`),
  routedEvents: m.routedEventBytes.length,
  notifications: m.notifications,
  lakeRows: m.lakeRowBytes.length,
  outcome: m.outcome,
});

describe('cost model: what one order does, measured on the code', () => {
  it('happy path: 6 one-unit commits, 4 reads, 2 step invocations, 2 Express executions, 2 bus events', () => {
    expect(shapeOf(measured.happy!)).toEqual({
      api: ['place', 'ship', 'deliver'],
      commits: ['OrderPlaced: 1 WCU', 'PaymentRequested+PaymentAuthorized: 1 WCU', 'OrderConfirmed: 1 WCU', 'OrderShipped: 1 WCU', 'OrderDelivered: 1 WCU', 'PaymentCaptured: 1 WCU'],
      // PlaceOrder reads nothing; the confirmation is decided on the OrderPlaced event.
      readUnits: { api: 2, steps: 2 },
      notificationLookups: 3,
      stepInvocations: ['Authorize: 3 DynamoDB, 1 authorize', 'Capture: 2 DynamoDB, 1 capture'],
      executions: ['PaymentRequest succeeded: 5 states, 0 retries', 'PaymentRelease succeeded: 5 states, 0 retries'],
      routedEvents: 2,
      notifications: 3,
      lakeRows: 7,
      outcome: { order: 'delivered', payment: 'captured' },
    });
  });

  it('decline: the request and the decline are one commit, the order is cancelled, nothing is held', () => {
    expect(shapeOf(measured.decline!)).toEqual({
      api: ['place'],
      commits: ['OrderPlaced: 1 WCU', 'PaymentRequested+PaymentDeclined: 1 WCU', 'OrderCancelled: 1 WCU'],
      readUnits: { api: 0, steps: 2 },
      notificationLookups: 2,
      stepInvocations: ['Authorize: 2 DynamoDB, 1 authorize', 'CancelOrder: 1 DynamoDB', 'Compensate: 1 DynamoDB'],
      executions: ['PaymentRequest succeeded: 6 states, 0 retries', 'PaymentRelease succeeded: 5 states, 0 retries'],
      routedEvents: 2,
      notifications: 2,
      lakeRows: 4,
      outcome: { order: 'cancelled', payment: 'declined' },
    });
  });

  it('cancelled: the customer cancels a confirmed order and the hold is voided', () => {
    expect(shapeOf(measured.cancelled!)).toEqual({
      api: ['place', 'cancel'],
      commits: ['OrderPlaced: 1 WCU', 'PaymentRequested+PaymentAuthorized: 1 WCU', 'OrderConfirmed: 1 WCU', 'OrderCancelled: 1 WCU', 'PaymentVoided: 1 WCU'],
      readUnits: { api: 1, steps: 2 },
      notificationLookups: 2,
      stepInvocations: ['Authorize: 3 DynamoDB, 1 authorize', 'Compensate: 2 DynamoDB, 1 void'],
      executions: ['PaymentRequest succeeded: 5 states, 0 retries', 'PaymentRelease succeeded: 5 states, 0 retries'],
      routedEvents: 2,
      notifications: 2,
      lakeRows: 6,
      outcome: { order: 'cancelled', payment: 'voided' },
    });
  });

  it('transient: two failed Authorize attempts (three HTTP requests each) before the third succeeds; nothing is held twice', () => {
    expect(shapeOf(measured.transient!)).toMatchObject({
      commits: shapeOf(measured.happy!).commits,
      readUnits: { api: 2, steps: 4 },
      stepInvocations: ['Authorize (failed): 1 DynamoDB, 3 authorize', 'Authorize (failed): 1 DynamoDB, 3 authorize', 'Authorize: 3 DynamoDB, 1 authorize', 'Capture: 2 DynamoDB, 1 capture'],
      executions: ['PaymentRequest succeeded: 5 states, 2 retries', 'PaymentRelease succeeded: 5 states, 0 retries'],
      outcome: { order: 'delivered', payment: 'captured' },
    });
  });

  it('invokes the step Lambda only for Task states of the documents', () => {
    const tasks = new Set(WORKFLOWS.flatMap((w) => taskStates(workflowDefinitions[w]).map(([name]) => `${w}:${name}`)));
    for (const m of Object.values(measured)) for (const t of m.tasks) expect(tasks).toContain(`${t.workflow}:${t.state}`);
  });

  it('prices the happy path at or under the $12 target, and the naive layout at twenty times that', () => {
    const happy = breakdownOf(unitsOf(measured.happy!, 'strata'));
    expect(happy.total).toBeLessThanOrEqual(12);
    expect(breakdownOf(unitsOf(measured.happy!, 'naive')).total).toBeGreaterThan(20 * happy.total);
  });
});
