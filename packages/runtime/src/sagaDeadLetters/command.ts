/**
 * `strata dlq list|redrive` with `STRATA_STORE=dynamodb`: the payment saga's dead letters on
 * AWS, read from the queue the stack outputs as `SagaDeadLetterQueueUrl` (set
 * `STRATA_SAGA_DLQ_URL` to it) and started again through Step Functions. Projection dead letters
 * on AWS are the stream consumers' own SQS destinations (batch pointers), redriven from the console.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError } from '../config.js';
import { formatSagaDeadLetter, type SagaDeadLetters } from './port.js';
import { SAGA_DLQ_URL_ENV, sqsSagaDeadLetters } from './sagaDeadLetters.sqs.js';

export const awsSagaDeadLetters = (env: NodeJS.ProcessEnv = process.env): SagaDeadLetters & { approximateCount(): Promise<number> } => {
  const queueUrl = env[SAGA_DLQ_URL_ENV];
  if (queueUrl === undefined || queueUrl === '') throw new ConfigError([`${SAGA_DLQ_URL_ENV} is not set: the stack output SagaDeadLetterQueueUrl (strata-service)`]);
  return sqsSagaDeadLetters({ sqs: new SQSClient({}), sfn: new SFNClient({}), queueUrl });
};

export const runSagaDlqCommand = async (sub: 'list' | 'redrive', projection: string | undefined, letters: SagaDeadLetters = awsSagaDeadLetters()): Promise<number> => {
  if (projection !== undefined) {
    process.stderr.write('strata: on AWS `dlq` works on the payment saga dead letters; a projection catches up from the table stream (see docs/how-to/deploy.md)\n');
    return 64;
  }
  if (sub === 'list') {
    const list = await letters.list();
    if (list.length === 0) process.stdout.write('no saga dead letters\n');
    for (const l of list) process.stdout.write(`${formatSagaDeadLetter(l)}\n`);
    return 0;
  }
  const result = await letters.redrive();
  for (const r of result.redriven) process.stdout.write(`redriven\t${r.id}\t${r.workflow}\t${r.execution}\n`);
  for (const f of result.failed) process.stderr.write(`kept\t${f.id}\t${f.error}\n`);
  process.stdout.write(`${result.redriven.length} redriven, ${result.failed.length} kept on the queue\n`);
  return result.failed.length === 0 ? 0 : 1;
};
