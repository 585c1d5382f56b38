import { beforeAll, describe, expect, it } from '@jest/globals';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { METRICS_NAMESPACE, Metric } from '@strata/runtime/names';
import { addStrataStacks } from '../src/index.js';

/** Every CloudWatch metric name the template's dashboards and alarms use in the Strata namespace. */
const strataNamesIn = (template: Template): { alarms: string[]; dashboard: string[] } => {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
    .map((r) => (r as { Properties: { Namespace?: string; MetricName?: string } }).Properties)
    .filter((p) => p.Namespace === METRICS_NAMESPACE)
    .map((p) => p.MetricName ?? '');
  // The dashboard body is a Fn::Join of strings and tokens: its literal parts hold the SEARCH expressions.
  const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard')).map((r) => (r as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody));
  // (quotes arrive escaped once or twice, hence the non-word run before the name)
  const dashboard = [...body.matchAll(/MetricName=\W*([A-Za-z]+)/g)].map((m) => m[1]!);
  return { alarms, dashboard };
};

describe('the dashboard and alarms read the metrics the runtime writes', () => {
  let names: { alarms: string[]; dashboard: string[] };
  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const { service } = addStrataStacks(app, { projectName: 'strata', enableGuardDuty: false, providerUrl: 'https://provider.example' });
    names = strataNamesIn(Template.fromStack(service as Stack));
  });

  it('references only names of the shared module (the names the EMF lines carry), and graphs every one', () => {
    const known = new Set(Object.values(Metric).map((m) => m.cloudwatch));
    expect(names.alarms.length).toBeGreaterThanOrEqual(3);
    expect(names.dashboard.length).toBeGreaterThanOrEqual(9);
    for (const name of [...names.alarms, ...names.dashboard]) expect(known).toContain(name);
    // Every metric the Lambdas write but the saga executions (Step Functions' own metrics graph those).
    expect(new Set([...names.dashboard, ...names.alarms])).toEqual(new Set([...known].filter((n) => !n.startsWith('SagaExecution'))));
  });
});
