/**
 * The local adapter: the saga runner's failed execution records are the dead letters (the local
 * counterpart of the SQS queue), and a redrive re-runs each with its original input in the same
 * process. Only the process that runs the saga holds them.
 */
import type { SagaRunner } from '@strata/workflows/saga/runner';
import type { SagaDeadLetters } from './port.js';

export const runnerSagaDeadLetters = (runner: Pick<SagaRunner, 'executions' | 'retry'>): SagaDeadLetters => {
  const failed = () => runner.executions().filter((e) => e.status === 'failed');
  return {
    list: async (limit = 1000) =>
      failed()
        .slice(0, limit)
        .map((e) => ({ id: e.name, workflow: e.workflow, execution: e.name, input: e.input, error: e.error ?? { name: 'Error', cause: 'unknown' }, failedAt: e.startedAt })),
    async redrive(filter = {}) {
      const chosen = failed().filter((e) => (filter.workflow === undefined || e.workflow === filter.workflow) && (filter.id === undefined || e.name === filter.id));
      const redriven: { id: string; workflow: (typeof chosen)[number]['workflow']; execution: string }[] = [];
      const errors: { id: string; error: string }[] = [];
      for (const e of chosen) {
        try {
          const started = runner.retry(e.name);
          redriven.push({ id: e.name, workflow: e.workflow, execution: started.name });
        } catch (err) {
          errors.push({ id: e.name, error: (err as Error).message });
        }
      }
      return { redriven, failed: errors };
    },
  };
};
