import { databaseUrl, describeWith } from '@strata/test-env';
import { pgExecutor } from '../postgres.js';
import { runSqlReadModelContract } from '../testing/sqlReadModel.contract.js';

describeWith('POSTGRES', 'relational read model on PostgreSQL', () => {
  runSqlReadModelContract('PostgreSQL', async () => pgExecutor(databaseUrl(), { max: 4 }));
});
