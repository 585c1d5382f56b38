import { describe, expect, it } from '@jest/globals';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sqsSagaDeadLetters } from './sagaDeadLetters.sqs.js';

/**
 * The SQS adapter against recorded SDK shapes: the requests it sends (command class and input)
 * and responses shaped as SQS and Step Functions return them (copied from real answers, ids
 * changed). What this does NOT prove: that IAM lets the operator receive, delete and start; SQS's
 * real visibility and sampling behaviour (short polling may return a subset); that Step Functions
 * accepts the input (the ASL test runs the documents on that input locally); that the
 * `RecordFailure` state's message body on AWS is the one recorded here (the ASL unit test checks
 * the same body through the local runner).
 */
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/strata-service-SagaDeadLetters8A1B2C3D-xYz';
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:PaymentRequest0E2B4F1A-AbCdEf';
const input = { paymentId: 'o-1', orderId: 'o-1', customerId: 'c-1', amount: { amount: 100, currency: 'EUR' }, correlationId: 'corr', causationId: 'cause' };

/** A message as ReceiveMessage returns it (MessageSystemAttributeNames: ['SentTimestamp']). */
const recorded = (id: string, body: unknown, sent = 1767225600000): Message => ({
  MessageId: id,
  ReceiptHandle: `AQEB${id}handle`,
  MD5OfBody: '0b5b2e2f7e3d4c7a8f9e0d1c2b3a4958',
  Body: typeof body === 'string' ? body : JSON.stringify(body),
  Attributes: { SentTimestamp: String(sent) },
});
const letter = (workflow = 'PaymentRequest', extra: object = {}) => ({
  kind: 'SagaExecutionFailed',
  workflow,
  execution: `arn:aws:states:eu-west-1:123456789012:express:${workflow}0E2B4F1A-AbCdEf:5f0c:0d3e`,
  stateMachine: MACHINE,
  input,
  // As Step Functions catches a Lambda error: the Cause is the Lambda error JSON, as text.
  error: { Error: 'ProviderUnavailable', Cause: JSON.stringify({ errorType: 'ProviderUnavailable', errorMessage: 'provider answered 503 three times', trace: [] }) },
  ...extra,
});

/** A fake client: answers each command from a script and records what was sent. */
const fakeClients = (queue: Message[], start: (input: unknown) => object = () => ({ executionArn: 'arn:aws:states:eu-west-1:123456789012:express:PaymentRequest:redrive:1', startDate: new Date(), $metadata: {} })) => {
  const sent: Array<{ command: string; input: Record<string, unknown> }> = [];
  const hidden = new Set<string>();
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> => {
    sent.push({ command: command.constructor.name, input: command.input });
    if (command instanceof ReceiveMessageCommand) {
      const visible = queue.filter((m) => !hidden.has(m.ReceiptHandle!)).slice(0, 10);
      if (command.input.VisibilityTimeout !== 0) for (const m of visible) hidden.add(m.ReceiptHandle!);
      return visible.length === 0 ? { $metadata: { httpStatusCode: 200 } } : { Messages: visible, $metadata: { httpStatusCode: 200 } };
    }
    if (command instanceof DeleteMessageCommand) {
      const i = queue.findIndex((m) => m.ReceiptHandle === command.input.ReceiptHandle);
      queue.splice(i, 1);
      return { $metadata: { httpStatusCode: 200 } };
    }
    if (command instanceof ChangeMessageVisibilityCommand) {
      hidden.delete(command.input.ReceiptHandle as string);
      return { $metadata: { httpStatusCode: 200 } };
    }
    if (command instanceof StartExecutionCommand) return start(command.input);
    throw new Error(`unexpected ${command.constructor.name}`);
  };
  return { sent, client: { send } as never };
};

describe('saga dead letters on SQS (recorded shapes)', () => {
  it('lists without hiding anything: zero visibility, de-duplicated, with the Lambda error message', async () => {
    const queue = [recorded('m1', letter()), recorded('m2', letter('PaymentRelease'), 1767225700000)];
    const { sent, client } = fakeClients(queue);
    const letters = await sqsSagaDeadLetters({ sqs: client, sfn: client, queueUrl: QUEUE }).list();
    expect(letters).toEqual([
      expect.objectContaining({ id: 'm1', workflow: 'PaymentRequest', input, failedAt: '2026-01-01T00:00:00.000Z', error: { name: 'ProviderUnavailable', cause: 'provider answered 503 three times' } }),
      expect.objectContaining({ id: 'm2', workflow: 'PaymentRelease' }),
    ]);
    expect(sent.every((s) => s.command === 'ReceiveMessageCommand' && s.input.VisibilityTimeout === 0 && s.input.QueueUrl === QUEUE)).toBe(true);
    expect(queue).toHaveLength(2);
  });

  it('redrives: starts the recorded state machine with the same input, then deletes the message', async () => {
    const queue = [recorded('m1', letter())];
    const { sent, client } = fakeClients(queue);
    const result = await sqsSagaDeadLetters({ sqs: client, sfn: client, queueUrl: QUEUE }).redrive();
    expect(result).toEqual({ redriven: [{ id: 'm1', workflow: 'PaymentRequest', execution: expect.stringContaining(':express:') }], failed: [] });
    const start = sent.find((s) => s.command === 'StartExecutionCommand')!;
    expect(start.input).toEqual({ stateMachineArn: MACHINE, input: JSON.stringify(input) });
    expect(sent.map((s) => s.command)).toEqual(['ReceiveMessageCommand', 'StartExecutionCommand', 'DeleteMessageCommand', 'ReceiveMessageCommand']);
    expect(queue).toHaveLength(0);
  });

  it('keeps what it cannot start (and what the filter leaves out) on the queue, visible again', async () => {
    const queue = [recorded('m1', letter()), recorded('m2', 'not json'), recorded('m3', letter('HoldExpiry'))];
    const { client } = fakeClients(queue, () => {
      throw Object.assign(new Error('State Machine Does Not Exist'), { name: 'StateMachineDoesNotExist' });
    });
    const result = await sqsSagaDeadLetters({ sqs: client, sfn: client, queueUrl: QUEUE }).redrive({ workflow: 'PaymentRequest' });
    expect(result.redriven).toEqual([]);
    expect(result.failed).toEqual([
      { id: 'm1', error: 'StateMachineDoesNotExist: State Machine Does Not Exist' },
      { id: 'm2', error: 'dead letter m2: body is not JSON' },
    ]);
    expect(queue.map((m) => m.MessageId)).toEqual(['m1', 'm2', 'm3']);
  });
});
