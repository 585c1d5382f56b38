import { pgliteExecutor } from '../pglite.js';
import { runSqlReadModelContract } from '../testing/sqlReadModel.contract.js';

runSqlReadModelContract('PGlite', async () => pgliteExecutor());
