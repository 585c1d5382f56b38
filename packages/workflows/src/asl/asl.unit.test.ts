import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { paymentSteps } from '../steps/paymentSteps.js';
import { PAYMENT_STEP_ARN_PLACEHOLDER, WORKFLOWS, workflowDefinitions } from './definitions.js';
import { staleAslFiles } from './files.js';

describe('ASL documents', () => {
  it('match the *.asl.json files the CDK app deploys (regenerate: npx tsx packages/workflows/src/asl/files.ts)', () => {
    expect(staleAslFiles(join(__dirname))).toEqual([]);
  });

  it.each(WORKFLOWS)('%s validates and every Task names a known step on the step Lambda', (workflow) => {
    const doc = workflowDefinitions[workflow];
    expect(() => new StateMachine(doc as never)).not.toThrow();
    const tasks = Object.values(doc.States).filter((s) => (s as { Type: string }).Type === 'Task') as Array<{ Resource: string; Parameters: { step: string } }>;
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) {
      expect(task.Resource).toBe(PAYMENT_STEP_ARN_PLACEHOLDER);
      expect(Object.keys(paymentSteps)).toContain(task.Parameters.step);
    }
  });
});
