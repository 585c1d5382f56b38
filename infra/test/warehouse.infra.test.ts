import { beforeAll, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { warehouseQueries } from '@strata/projections/warehouse/sql';
import { WAREHOUSE_QUERIES } from '@strata/projections/warehouse/files';
import { warehouseNamedQueries } from '../src/dataLake.js';
import { findRepoRoot, SynthError } from '../src/paths.js';
import { StatefulStack } from '../src/statefulStack.js';

// Only the stateful stack is synthesised: the named queries and the warehouse role live there.
let data: Template;
const assertTemplate = (check: () => void): void => expect(check).not.toThrow();

/** The views `prelude.athena.sql` creates, in order. */
const ATHENA_VIEWS = ['lake_events', 'orders', 'order_lines', 'payments', 'feedback'];

beforeAll(() => {
  data = Template.fromStack(new StatefulStack(new App(), 'strata-stateful', { projectName: 'strata' }));
});

describe('warehouse .sql files on AWS', () => {
  it('become one Athena named query per analytics query and one per Athena prelude view, and nothing else', () => {
    assertTemplate(() => data.resourceCountIs('AWS::Athena::NamedQuery', WAREHOUSE_QUERIES.length + ATHENA_VIEWS.length));
    expect(Object.keys(warehouseNamedQueries(findRepoRoot()))).toEqual([...ATHENA_VIEWS.map((v, i) => `prelude-${i + 1}-${v}`), ...WAREHOUSE_QUERIES]);
  });

  it.each(WAREHOUSE_QUERIES)('%s runs in the lake database and analytics workgroup with the text DuckDB runs', (query) => {
    assertTemplate(() =>
      data.hasResourceProperties('AWS::Athena::NamedQuery', { Name: query, Database: 'strata_lake', WorkGroup: 'strata-analytics', QueryString: warehouseQueries[query] }),
    );
  });

  it.each(ATHENA_VIEWS.map((view, i) => [`prelude-${i + 1}-${view}`, view]))('%s creates the view %s over the Glue table', (name, view) => {
    assertTemplate(() =>
      data.hasResourceProperties('AWS::Athena::NamedQuery', {
        Name: name,
        Database: 'strata_lake',
        WorkGroup: 'strata-analytics',
        QueryString: Match.stringLikeRegexp(`^CREATE OR REPLACE VIEW ${view} AS\\s`),
      }),
    );
  });

  it('named queries wait for the workgroup and the database', () => {
    const queries = data.findResources('AWS::Athena::NamedQuery');
    const [workGroup] = Object.keys(data.findResources('AWS::Athena::WorkGroup'));
    const [database] = Object.keys(data.findResources('AWS::Glue::Database'));
    for (const q of Object.values(queries)) expect(q.DependsOn).toEqual(expect.arrayContaining([workGroup, database]));
  });

  it('an explicit namedQueries prop replaces the files', () => {
    const custom = Template.fromStack(new StatefulStack(new App(), 'custom-stateful', { projectName: 'custom', namedQueries: { only: 'SELECT 1' } }));
    assertTemplate(() => custom.resourceCountIs('AWS::Athena::NamedQuery', 1));
    assertTemplate(() => custom.hasResourceProperties('AWS::Athena::NamedQuery', { Name: 'only', QueryString: 'SELECT 1', Database: 'custom_lake' }));
  });

  it('a workspace without the .sql files fails synthesis with a SynthError', () => {
    expect(() => warehouseNamedQueries(mkdtempSync(join(tmpdir(), 'strata-nosql-')))).toThrow(SynthError);
  });

  it('the Redshift role may register the lake partitions Spectrum reads (no partition projection there)', () => {
    assertTemplate(() =>
      data.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['glue:GetPartitions', 'glue:BatchCreatePartition']) })]) },
      }),
    );
  });
});
