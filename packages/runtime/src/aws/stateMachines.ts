/**
 * What the saga starter and the CDK app agree on: where each workflow's state machine ARN is in
 * the environment, and how an execution is named. No SDK here: the CDK app imports it.
 */
import type { WorkflowName } from '@strata/workflows/asl/definitions';
import { EnvKey } from '../names.js';

/** `STRATA_STATE_MACHINE_ARN_<Workflow>`, e.g. `STRATA_STATE_MACHINE_ARN_PaymentRequest`. */
export const stateMachineArnEnv = (workflow: WorkflowName): string => `${EnvKey.stateMachineArn}_${workflow}`;

/**
 * `<workflow>-<key>` (the key: the payment id, plus the trigger for a release), the local runner's
 * `<workflow>:<payment id>` in Step Functions' alphabet (1–80 characters; no whitespace, `:` or
 * the other reserved characters). A Standard machine refuses a second execution of the same name,
 * which makes a duplicate trigger harmless.
 */
export const executionName = (workflow: WorkflowName, key: string): string =>
  `${workflow}-${key}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
