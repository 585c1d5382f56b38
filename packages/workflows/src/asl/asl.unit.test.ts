import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { StateMachine } from 'aws-local-stepfunctions';
import { FEED_START, decodeEnvelope, type EventEnvelope } from '@strata/events';
import { createMemoryEventStore, createWriteModel } from '@strata/write-model';
import { sagaInputFor } from '../domain/saga.js';
import { busEnvelope, toBusEvent } from '../routing/rules.js';
import { paymentSteps } from '../steps/paymentSteps.js';
import { PAYMENT_STEP_ARN_PLACEHOLDER, WORKFLOW_TYPES, WORKFLOWS, taskStates, workflowDefinitions, type WorkflowName } from './definitions.js';
import { staleAslFiles } from './files.js';

/** Runs a document on `input` and returns what its first Task receives as `input` (the step's input). */
const firstTaskInput = async (workflow: WorkflowName, input: unknown): Promise<unknown> => {
  let seen: unknown;
  const handlers = Object.fromEntries(
    taskStates(workflowDefinitions[workflow]).map(([name]) => [
      name,
      async (payload: { input: unknown }) => {
        seen ??= payload.input;
        return { outcome: 'settled' };
      },
    ]),
  );
  await new StateMachine(workflowDefinitions[workflow] as never).run(input as never, { overrides: { taskResourceLocalHandlers: handlers as never } }).result;
  return seen;
};

/** The event as EventBridge hands it to a rule's target: the bus's shape, as plain JSON. */
const delivered = (e: EventEnvelope): unknown => JSON.parse(JSON.stringify(toBusEvent(busEnvelope(e))));

const orderEvents = async (): Promise<EventEnvelope[]> => {
  const store = createMemoryEventStore();
  const wm = createWriteModel({ eventStore: store });
  const ctx = (id: string) => ({ commandId: id, actor: { kind: 'user', id: 'c1', roles: ['admin'] } as const, correlationId: `corr-${id}`, now: '2026-01-01T00:00:00.000Z' });
  const order = { customerId: 'c1', currency: 'EUR' as const, items: [{ productId: 'p', productName: 'P', quantity: 3, unitPrice: 999 }], shippingAddress: { street: 's', city: 'c', zipCode: 'z', country: 'DE' } };
  await wm.placeOrder({ ...order, orderId: 'o1' }, ctx('place-1'));
  await wm.confirmOrder({ orderId: 'o1', paymentId: 'o1' }, ctx('confirm-1'));
  await wm.shipOrder({ orderId: 'o1' }, ctx('ship-1'));
  await wm.deliverOrder({ orderId: 'o1' }, ctx('deliver-1'));
  await wm.placeOrder({ ...order, orderId: 'o2' }, ctx('place-2'));
  await wm.cancelOrder({ orderId: 'o2', reason: 'changed my mind' }, ctx('cancel-2'));
  return [...(await store.readFeed(FEED_START, 100)).events];
};

describe('ASL documents', () => {
  it('match the *.asl.json files the CDK app deploys (regenerate: npx tsx packages/workflows/src/asl/files.ts)', () => {
    expect(staleAslFiles(join(__dirname))).toEqual([]);
  });

  it('are all Express: every run ends within seconds', () => {
    expect(Object.values(WORKFLOW_TYPES)).toEqual(['EXPRESS', 'EXPRESS', 'EXPRESS']);
    for (const w of WORKFLOWS) expect(workflowDefinitions[w].TimeoutSeconds).toBeLessThanOrEqual(300);
  });

  it.each(WORKFLOWS)('%s validates and every Task (a Map’s included) names a known step on the step Lambda', (workflow) => {
    const doc = workflowDefinitions[workflow];
    expect(() => new StateMachine(doc as never)).not.toThrow();
    const tasks = taskStates(doc).map(([, t]) => t as unknown as { Resource: string; Parameters: { step: string } });
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) {
      expect(task.Resource).toBe(PAYMENT_STEP_ARN_PLACEHOLDER);
      expect(Object.keys(paymentSteps)).toContain(task.Parameters.step);
    }
  });

  it('map a routed event to the saga input in their first states exactly as sagaInputFor does', async () => {
    const routed = (await orderEvents()).filter((e) => ['OrderPlaced', 'OrderDelivered', 'OrderCancelled'].includes(e.type));
    expect(routed).toHaveLength(4);
    for (const e of routed) {
      const decoded = decodeEnvelope(e);
      if (E.isLeft(decoded)) throw new Error(decoded.left.message);
      const plan = sagaInputFor(decoded.right)!;
      expect(await firstTaskInput(plan.workflow, delivered(e))).toEqual(plan.input);
      // Started directly with the saga input (recovery, an operator), the document skips the mapping.
      expect(await firstTaskInput(plan.workflow, plan.input)).toEqual(plan.input);
    }
  });

  it('read a stored OrderPlaced of the seed’s v1 shape as the current one (the bus upcasts)', async () => {
    const [placed] = await orderEvents();
    const v1 = { ...placed!, schemaVersion: 1, data: { orderId: 'o1', userId: 'c1', items: [{ productId: 'p', productName: 'P', quantity: 3, price: 9.99 }], shippingAddress: { street: 's', city: 'c', zipCode: 'z', country: 'DE' } } };
    expect(await firstTaskInput('PaymentRequest', delivered(v1))).toMatchObject({ paymentId: 'o1', customerId: 'c1', amount: { amount: 2997, currency: 'USD' } });
  });
});
