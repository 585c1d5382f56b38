import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { RouteTarget, RoutingPattern, RoutingRule } from '@strata/workflows/routing/rules';
import { Construct } from 'constructs';

/**
 * A state machine. A rule starts it directly (StartExecution, asynchronous for Express) with the
 * whole event as input; the ASL document maps the event to its saga input in its first states, as
 * it does for the local runner — no Lambda in between.
 */
export type RouteDestination = sfn.IStateMachine;

export interface EventRoutingProps {
  /** Event bus name. */
  readonly busName: string;
  /** The shared routing table (`routingRules` of the workflows package). */
  readonly rules: readonly RoutingRule[];
  /** What each routing target is on AWS. */
  readonly destinations: Readonly<Record<RouteTarget, RouteDestination>>;
}

/** The shared pattern in CDK's spelling; CDK renders `detailType` back as `detail-type`. */
export const toCdkPattern = (pattern: RoutingPattern): events.EventPattern => ({
  source: [...pattern.source],
  detailType: [...pattern['detail-type']],
  ...(pattern.detail === undefined ? {} : { detail: pattern.detail }),
});

/**
 * EventBridge: the Strata bus (fed by the stream publisher with the routed events only) and one
 * rule per entry of the shared routing table, with the same pattern the local bus matches,
 * targeting its state machine. Failed starts land in a dead-letter queue after EventBridge's
 * retries (redrive it to start them again). No archive: the event table keeps every event, and a
 * failed execution logs its input (decision 0004).
 */
export class EventRouting extends Construct {
  readonly bus: events.EventBus;
  readonly deadLetterQueue: sqs.Queue;
  readonly rules: Readonly<Record<string, events.Rule>>;

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: props.busName });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    const rules: Record<string, events.Rule> = {};
    for (const rule of props.rules) {
      rules[rule.name] = new events.Rule(this, rule.name, {
        eventBus: this.bus,
        ruleName: `${props.busName}-${rule.name}`,
        description: rule.description,
        eventPattern: toCdkPattern(rule.pattern),
        targets: [this.target(props.destinations[rule.target])],
      });
    }
    this.rules = rules;
  }

  private target(destination: RouteDestination): events.IRuleTarget {
    // The whole event is the input, as the local bus hands it to the runner (`BusEvent`).
    return new targets.SfnStateMachine(destination, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 20, maxEventAge: Duration.hours(24) });
  }
}
