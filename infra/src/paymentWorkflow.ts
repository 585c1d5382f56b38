import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { PAYMENT_STEP_ARN_PLACEHOLDER, WORKFLOW_FILES, WORKFLOW_TYPES, WORKFLOWS, type WorkflowName } from '@strata/workflows/asl/definitions';
import { stateMachineArnEnv } from '@strata/runtime/aws/stateMachines';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SynthError } from './paths.js';
import { StrataFunction, type StrataFunctionProps } from './strataFunction.js';

/** Where the workflows package keeps its ASL documents, relative to the workspace root. */
export const ASL_DIR = 'packages/workflows/src/asl';

const STEP_ARN = 'PaymentStepFunctionArn';

/**
 * An ASL document as deployed: the workflows package writes a placeholder ARN as every Task's
 * Resource (the local runner binds Tasks by state name); here it becomes a definition substitution
 * that CloudFormation fills with the step handler's ARN.
 */
export const deployableAsl = (file: string): string => {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(PAYMENT_STEP_ARN_PLACEHOLDER)) throw new SynthError(`${file} has no Task with the step-handler placeholder ${PAYMENT_STEP_ARN_PLACEHOLDER}`);
  return text.replaceAll(PAYMENT_STEP_ARN_PLACEHOLDER, `\${${STEP_ARN}}`);
};

export interface PaymentWorkflowProps {
  /** Settings of the step-handler Lambda (entry `paymentStep`); `repoRoot` also locates the ASL files. */
  readonly stepFunction: Omit<StrataFunctionProps, 'entry'>;
  /** Settings of the starter Lambda (entry `sagaStarter`), the target of the routing rules. */
  readonly starterFunction: Omit<StrataFunctionProps, 'entry'>;
}

/**
 * The Step Functions type each workflow is deployed as: the workflows package's choice, except
 * HoldExpiry, which waits for the hold's expiry (days): an Express execution ends after five
 * minutes, so on AWS it runs as Standard (one execution per authorization, a handful of
 * transitions; the same document the local runner executes).
 */
export const DEPLOYED_WORKFLOW_TYPES: { readonly [W in WorkflowName]: 'EXPRESS' | 'STANDARD' } = { ...WORKFLOW_TYPES, HoldExpiry: 'STANDARD' };

/**
 * The payment saga on Step Functions: one state machine per ASL document of the workflows package,
 * read from its JSON file at synth time, so AWS runs the very document the local runner executes.
 * The type of each is `DEPLOYED_WORKFLOW_TYPES`. Every Task calls the one step handler (the step
 * name travels in the task input). The routing rules target the starter, which turns the routed
 * event into the workflow's input (`sagaInputFor`, as the local runner does) and starts the
 * execution named after the workflow and the payment (`executionName`).
 */
export class PaymentWorkflow extends Construct {
  readonly stepHandler: StrataFunction;
  readonly starter: StrataFunction;
  readonly stateMachines: Readonly<Record<WorkflowName, sfn.StateMachine>>;

  constructor(scope: Construct, id: string, props: PaymentWorkflowProps) {
    super(scope, id);
    this.stepHandler = new StrataFunction(this, 'StepHandler', { ...props.stepFunction, entry: 'paymentStep', timeout: Duration.seconds(60) });
    const machine = (name: WorkflowName): sfn.StateMachine => {
      const express = DEPLOYED_WORKFLOW_TYPES[name] === 'EXPRESS';
      const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
      const m = new sfn.StateMachine(this, name, {
        // Inline rather than an S3 asset, so `cdk diff` shows a changed workflow.
        definitionBody: sfn.DefinitionBody.fromString(deployableAsl(join(props.stepFunction.repoRoot, ASL_DIR, WORKFLOW_FILES[name]))),
        definitionSubstitutions: { [STEP_ARN]: this.stepHandler.functionArn },
        stateMachineType: express ? sfn.StateMachineType.EXPRESS : sfn.StateMachineType.STANDARD,
        tracingEnabled: true,
        // Express executions keep no history of their own: log every step; Standard ones, errors.
        logs: { destination: logGroup, level: express ? sfn.LogLevel.ALL : sfn.LogLevel.ERROR, includeExecutionData: true },
      });
      this.stepHandler.grantInvoke(m);
      return m;
    };
    this.stateMachines = Object.fromEntries(WORKFLOWS.map((name) => [name, machine(name)])) as Record<WorkflowName, sfn.StateMachine>;
    this.starter = new StrataFunction(this, 'Starter', {
      ...props.starterFunction,
      entry: 'sagaStarter',
      environment: { ...props.starterFunction.environment, ...Object.fromEntries(WORKFLOWS.map((name) => [stateMachineArnEnv(name), this.stateMachines[name].stateMachineArn])) },
    });
    for (const name of WORKFLOWS) this.stateMachines[name].grantStartExecution(this.starter);
  }
}
