import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { DEFAULTS } from '@strata/runtime/names';
import { PAYMENT_STEP_ARN_PLACEHOLDER, SAGA_DEAD_LETTER_QUEUE_PLACEHOLDER, WORKFLOW_FILES, WORKFLOW_TYPES, WORKFLOWS, type WorkflowName } from '@strata/workflows/asl/definitions';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPRESS_LOG_LEVEL, SynthError } from './paths.js';
import { StrataFunction, type StrataFunctionProps } from './strataFunction.js';

/** Where the workflows package keeps its ASL documents, relative to the workspace root. */
export const ASL_DIR = 'packages/workflows/src/asl';

const STEP_ARN = 'PaymentStepFunctionArn';
const DEAD_LETTER_URL = 'SagaDeadLetterQueueUrl';

/**
 * An ASL document as deployed: the workflows package writes a placeholder ARN as every Task's
 * Resource (the local runner binds Tasks by state name); here it becomes a definition substitution
 * that CloudFormation fills with the step handler's ARN.
 */
export const deployableAsl = (file: string): string => {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(PAYMENT_STEP_ARN_PLACEHOLDER)) throw new SynthError(`${file} has no Task with the step-handler placeholder ${PAYMENT_STEP_ARN_PLACEHOLDER}`);
  if (!text.includes(SAGA_DEAD_LETTER_QUEUE_PLACEHOLDER)) throw new SynthError(`${file} has no RecordFailure state with the dead-letter queue placeholder ${SAGA_DEAD_LETTER_QUEUE_PLACEHOLDER}`);
  return text.replaceAll(PAYMENT_STEP_ARN_PLACEHOLDER, `\${${STEP_ARN}}`).replaceAll(SAGA_DEAD_LETTER_QUEUE_PLACEHOLDER, `\${${DEAD_LETTER_URL}}`);
};

export interface PaymentWorkflowProps {
  /** Settings of the step-handler Lambda (entry `paymentStep`); `repoRoot` also locates the ASL files. */
  readonly stepFunction: Omit<StrataFunctionProps, 'entry'>;
  /** Where a failed start of the sweep lands after EventBridge's retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Between two hold-expiry sweeps (the local runtime's `STRATA_HOLD_SWEEP_SECONDS` default).
   * @default Duration.seconds(DEFAULTS.holdSweepSeconds): hourly
   */
  readonly sweepEvery?: Duration;
}

/**
 * The payment saga on Step Functions: one state machine per ASL document of the workflows package,
 * read from its JSON file at synth time, so AWS runs the very document the local runner executes.
 * Every one is Express (`WORKFLOW_TYPES`): each run ends within seconds. Every Task calls the one
 * step handler (the step name travels in the task input). The request and release machines are
 * started by the routing rules directly (`EventRouting`), with the routed event as input; the
 * hold-expiry sweep by a schedule, hourly.
 */
export class PaymentWorkflow extends Construct {
  readonly stepHandler: StrataFunction;
  /**
   * The saga dead-letter queue: every document's `RecordFailure` state sends the failed
   * execution (its state machine, original input and error) here; `strata dlq list|redrive`
   * with `STRATA_STORE=dynamodb` reads it and starts the executions again.
   */
  readonly deadLetters: sqs.Queue;
  readonly stateMachines: Readonly<Record<WorkflowName, sfn.StateMachine>>;
  /** The schedule that starts the hold-expiry sweep. */
  readonly sweepSchedule: events.Rule;

  constructor(scope: Construct, id: string, props: PaymentWorkflowProps) {
    super(scope, id);
    this.stepHandler = new StrataFunction(this, 'StepHandler', { ...props.stepFunction, entry: 'paymentStep', timeout: Duration.seconds(60) });
    this.deadLetters = new sqs.Queue(this, 'SagaDeadLetters', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    const machine = (name: WorkflowName): sfn.StateMachine => {
      const express = WORKFLOW_TYPES[name] === 'EXPRESS';
      const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
      const m = new sfn.StateMachine(this, name, {
        // Inline rather than an S3 asset, so `cdk diff` shows a changed workflow.
        definitionBody: sfn.DefinitionBody.fromString(deployableAsl(join(props.stepFunction.repoRoot, ASL_DIR, WORKFLOW_FILES[name]))),
        definitionSubstitutions: { [STEP_ARN]: this.stepHandler.functionArn, [DEAD_LETTER_URL]: this.deadLetters.queueUrl },
        stateMachineType: express ? sfn.StateMachineType.EXPRESS : sfn.StateMachineType.STANDARD,
        tracingEnabled: true,
        // Express executions keep no history of their own: their failures are logged with the data
        // (EXPRESS_LOG_LEVEL); runs that succeed show in the metrics and X-Ray.
        logs: { destination: logGroup, level: express ? sfn.LogLevel[EXPRESS_LOG_LEVEL] : sfn.LogLevel.ERROR, includeExecutionData: true },
      });
      this.stepHandler.grantInvoke(m);
      this.deadLetters.grantSendMessages(m);
      return m;
    };
    this.stateMachines = Object.fromEntries(WORKFLOWS.map((name) => [name, machine(name)])) as Record<WorkflowName, sfn.StateMachine>;
    this.sweepSchedule = new events.Rule(this, 'HoldSweepSchedule', {
      description: 'Starts the hold-expiry sweep: authorization holds past their expiry are voided.',
      schedule: events.Schedule.rate(props.sweepEvery ?? Duration.seconds(DEFAULTS.holdSweepSeconds)),
      targets: [new targets.SfnStateMachine(this.stateMachines.HoldExpiry, { deadLetterQueue: props.deadLetterQueue, retryAttempts: 20, maxEventAge: Duration.hours(1) })],
    });
  }
}
