import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKFLOW_FILES, workflowDefinitions, WORKFLOWS } from './definitions.js';

/** The JSON text of a workflow's ASL document, as stored under `src/asl/`. */
export const aslJson = (workflow: (typeof WORKFLOWS)[number]): string => `${JSON.stringify(workflowDefinitions[workflow], null, 2)}\n`;

/** Writes every ASL document to `dir` (`tsx packages/workflows/src/asl/files.ts` regenerates them in place). */
export const writeAslFiles = (dir: string): void => {
  for (const w of WORKFLOWS) writeFileSync(join(dir, WORKFLOW_FILES[w]), aslJson(w));
};

/** Workflows whose file under `dir` differs from its definition. */
export const staleAslFiles = (dir: string): string[] =>
  WORKFLOWS.filter((w) => {
    try {
      return readFileSync(join(dir, WORKFLOW_FILES[w]), 'utf8') !== aslJson(w);
    } catch {
      return true;
    }
  }).map((w) => WORKFLOW_FILES[w]);

if (process.argv[1]?.endsWith('asl/files.ts')) writeAslFiles(join(process.cwd(), 'packages/workflows/src/asl'));
