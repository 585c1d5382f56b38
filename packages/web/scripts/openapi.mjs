// Writes the API's OpenAPI document (from the built @strata/api) for openapi-typescript, so the
// web app's client types are generated from the very document the API serves at /openapi.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { openApiDocument } from '@strata/api';

mkdirSync(new URL('../generated/', import.meta.url), { recursive: true });
writeFileSync(new URL('../generated/openapi.json', import.meta.url), `${JSON.stringify(openApiDocument, null, 2)}\n`);
