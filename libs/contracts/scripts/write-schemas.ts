// Writes libs/contracts/schemas/*.json and libs/contracts/asyncapi.json from the TypeBox schemas.
// Usage: node bin/run-ts.js libs/contracts/scripts/write-schemas.ts
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASYNCAPI_FILE, asyncApiDocument, publishedSchemas, toFileText } from '../src/published';

const contractsDir = join(__dirname, '..');
const schemasDir = join(contractsDir, 'schemas');
mkdirSync(schemasDir, { recursive: true });

const schemas = publishedSchemas();
// Files of schemas that no longer exist in code are removed, so the folder mirrors the code.
for (const file of readdirSync(schemasDir)) {
  if (file.endsWith('.json') && !schemas.has(file)) rmSync(join(schemasDir, file));
}
for (const [file, document] of schemas) {
  writeFileSync(join(schemasDir, file), toFileText(document));
}
writeFileSync(join(contractsDir, ASYNCAPI_FILE), toFileText(asyncApiDocument()));
console.log(`wrote ${schemas.size} schemas and ${ASYNCAPI_FILE}`);
