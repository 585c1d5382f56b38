/**
 * EventBridge → Step Functions. The routing rules deliver the whole event (`BusEvent`); the ASL
 * documents expect the saga input (`sagaInputFor`, the mapping the local runner uses), so this
 * target decodes the event and starts the workflow's execution itself. The ASL stays one
 * document for both runners.
 */
import * as E from 'fp-ts/lib/Either.js';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { EventEnvelopeCodec, decodeEnvelope, describeErrors } from '@strata/events';
import { WORKFLOWS, type WorkflowName } from '@strata/workflows/asl/definitions';
import type { BusEvent } from '@strata/workflows';
// The mapping lives beside the local runner; the workflows package exports it from that subpath.
import { sagaInputFor } from '@strata/workflows';
import { executionName, stateMachineArnEnv } from '../aws/stateMachines.js';
import { ConfigError } from '../config.js';
import { once } from './once.js';

export interface SfnClientLike {
  send(command: StartExecutionCommand): Promise<unknown>;
}

/** A routed event that is not a Strata event envelope: EventBridge retries, then dead-letters it. */
export class UndecodableBusEventError extends Error {
  readonly code = 'BUS_EVENT_UNDECODABLE';
  constructor(message: string) {
    super(message);
    this.name = 'UndecodableBusEventError';
  }
}

export type StartOutcome = { readonly started: false } | { readonly started: true; readonly execution: string; readonly duplicate: boolean };

export const createSagaStarter = (o: { readonly client: SfnClientLike; readonly stateMachineArns: Readonly<Record<WorkflowName, string>> }) =>
  async (event: BusEvent<unknown>): Promise<StartOutcome> => {
    const envelope = EventEnvelopeCodec.decode(event.detail);
    if (E.isLeft(envelope)) throw new UndecodableBusEventError(`event ${event.id} (${event['detail-type']}): ${describeErrors(envelope.left)}`);
    const decoded = decodeEnvelope(envelope.right);
    if (E.isLeft(decoded)) throw new UndecodableBusEventError(`event ${event.id} (${event['detail-type']}): ${decoded.left.message}`);
    const plan = sagaInputFor(decoded.right);
    if (plan === undefined) return { started: false };
    // A Standard machine keeps a name for 90 days after the execution ends (the local runner only
    // joins a running one): a release names its trigger, so a refund after delivery is not taken
    // for a duplicate of the capture.
    const name = executionName(plan.workflow, plan.workflow === 'PaymentRelease' ? `${plan.input.paymentId}-${plan.input.trigger}` : plan.input.paymentId);
    try {
      await o.client.send(new StartExecutionCommand({ stateMachineArn: o.stateMachineArns[plan.workflow], name, input: JSON.stringify(plan.input) }));
      return { started: true, execution: name, duplicate: false };
    } catch (err) {
      // A Standard machine already ran this name: a duplicate trigger, and the steps are idempotent anyway.
      if (err instanceof ExecutionAlreadyExists) return { started: true, execution: name, duplicate: true };
      throw err;
    }
  };

const starter = once(async () => {
  const missing = WORKFLOWS.filter((w) => !process.env[stateMachineArnEnv(w)]);
  if (missing.length > 0) throw new ConfigError(missing.map((w) => `${stateMachineArnEnv(w)} is not set: the ${w} state machine ARN`));
  const stateMachineArns = Object.fromEntries(WORKFLOWS.map((w) => [w, process.env[stateMachineArnEnv(w)]!])) as Record<WorkflowName, string>;
  return createSagaStarter({ client: new SFNClient({}), stateMachineArns });
});

/** Lambda entry point (`handler` export, see infra's `LambdaEntry.sagaStarter`). */
export const handler = async (event: BusEvent<unknown>): Promise<StartOutcome> => (await starter())(event);
