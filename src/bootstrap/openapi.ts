/** `npm run openapi`: writes the API's OpenAPI document, as GET /openapi.json serves it (see USAGE). */
import { writeFileSync } from 'node:fs';
import { buildRoutes } from '../adapters/http/routes.js';
import type { UseCases } from '../application/use-cases/index.js';
import { parseCommandLine } from './command-line.js';
import { loadConfig } from './config.js';
import { describeApi } from './http-app.js';

const USAGE = `
Writes the calendar API's OpenAPI 3.1 document: the one GET /openapi.json serves, for a deployment
configured by this environment (auth mode, ALLOW_ANONYMOUS_PROJECT_LINKS). Client generators read it.

Usage: npm run --silent openapi -- [--out <file>]

  --out <file>  where to write it (default openapi.json; - for standard output)
  -h, --help    this text
`;

const { values } = parseCommandLine({ usage: USAGE, options: { out: { type: 'string', default: 'openapi.json' } } });
// The route table only for its documentation: no handler runs, so no use case is needed.
const { document } = describeApi(loadConfig(), buildRoutes({} as UseCases));
const text = `${JSON.stringify(document, null, 2)}\n`;
if (values.out === '-') {
  process.stdout.write(text);
} else {
  writeFileSync(values.out, text);
  const operations = Object.values(document.paths as Record<string, object>).reduce((n, methods) => n + Object.keys(methods).length, 0);
  process.stderr.write(`wrote ${values.out}: OpenAPI ${String(document.openapi)}, ${operations} operations\n`);
}
