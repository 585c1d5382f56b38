// Step Functions cannot run here: a fake SFN client records StartExecution (and answers
// ExecutionAlreadyExists for a name it has seen, as a Standard state machine does).
import { describe, expect, it } from '@jest/globals';
import { ExecutionAlreadyExists, type StartExecutionCommand } from '@aws-sdk/client-sfn';
import { toBusEvent } from '@strata/workflows';
import { paymentIdForOrder } from '@strata/workflows/domain/saga';
import { executionName } from '../aws/stateMachines.js';
import { createSagaStarter, UndecodableBusEventError } from './sagaStarter.js';
import { placedAndCancelledOrder } from './testkit.js';

const arns = { PaymentRequest: 'arn:sfn:request', PaymentRelease: 'arn:sfn:release', HoldExpiry: 'arn:sfn:expiry' };
const fakeSfn = () => {
  const calls: StartExecutionCommand[] = [];
  const names = new Set<string>();
  return {
    calls,
    client: {
      async send(command: StartExecutionCommand) {
        calls.push(command);
        const key = `${command.input.stateMachineArn}/${command.input.name}`;
        if (names.has(key)) throw new ExecutionAlreadyExists({ message: 'exists', $metadata: {} });
        names.add(key);
        return { executionArn: key };
      },
    },
  };
};

describe('saga starter Lambda entry (EventBridge rule target → StartExecution)', () => {
  it('starts the workflow an event calls for, with the saga input and a valid execution name', async () => {
    const { events } = await placedAndCancelledOrder('o-start-1');
    const sfn = fakeSfn();
    const start = createSagaStarter({ client: sfn.client, stateMachineArns: arns });
    const paymentId = paymentIdForOrder('o-start-1');
    // The event as EventBridge delivers it: detail is the JSON envelope.
    const placed = JSON.parse(JSON.stringify(toBusEvent(events[0]!))) as ReturnType<typeof toBusEvent>;
    expect(await start(placed)).toEqual({ started: true, execution: executionName('PaymentRequest', paymentId), duplicate: false });
    const input = sfn.calls[0]!.input;
    expect(input.stateMachineArn).toBe(arns.PaymentRequest);
    expect(input.name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(JSON.parse(input.input!)).toMatchObject({ paymentId, orderId: 'o-start-1', customerId: 'c1', amount: { amount: 2997, currency: 'EUR' }, causationId: events[0]!.eventId });

    const cancelled = toBusEvent(events[1]!);
    expect(await start(cancelled)).toMatchObject({ started: true });
    expect(sfn.calls[1]!.input.stateMachineArn).toBe(arns.PaymentRelease);
    expect(JSON.parse(sfn.calls[1]!.input.input!)).toMatchObject({ trigger: 'OrderCancelled', paymentId });
    expect(sfn.calls[1]!.input.name).toBe(executionName('PaymentRelease', `${paymentId}-OrderCancelled`));
  });

  it('treats a duplicate trigger as success', async () => {
    const { events } = await placedAndCancelledOrder('o-start-2');
    const start = createSagaStarter({ client: fakeSfn().client, stateMachineArns: arns });
    await start(toBusEvent(events[0]!));
    expect(await start(toBusEvent(events[0]!))).toMatchObject({ started: true, duplicate: true });
  });

  it('refuses an event that is not a Strata envelope, so EventBridge retries and dead-letters it', async () => {
    const start = createSagaStarter({ client: fakeSfn().client, stateMachineArns: arns });
    const { events } = await placedAndCancelledOrder('o-start-3');
    const broken = { ...toBusEvent(events[0]!), detail: { eventId: 'x' } };
    await expect(start(broken as never)).rejects.toBeInstanceOf(UndecodableBusEventError);
  });
});

describe('execution names', () => {
  it('keep to the Step Functions alphabet and length', () => {
    expect(executionName('HoldExpiry', 'pay:1/2 3')).toBe('HoldExpiry-pay-1-2-3');
    expect(executionName('PaymentRequest', 'x'.repeat(100))).toHaveLength(80);
  });
});
