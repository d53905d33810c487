/** `npm run docs:config`: prints README.md's configuration table as the settings declare it (see USAGE). */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCommandLine } from './command-line.js';
import { CONFIGURATION_TABLE, withConfigurationTable } from './config-table.js';

const USAGE = `
Prints the configuration table of README.md ("## Configuration") as src/bootstrap/settings.ts
declares the variables: their names, defaults and meanings. A test fails while the README's differs.

Usage: npm run --silent docs:config -- [--write]

  --write     replace the table in README.md instead of printing it
  -h, --help  this text
`;

const { values } = parseCommandLine({ usage: USAGE, options: { write: { type: 'boolean', default: false } } });
if (values.write) {
  writeFileSync('README.md', withConfigurationTable(readFileSync('README.md', 'utf8')));
  process.stderr.write('README.md: configuration table written\n');
} else {
  process.stdout.write(`${CONFIGURATION_TABLE}\n`);
}
