/**
 * README.md's configuration table, made from the settings' declarations (settings.ts), and where it
 * stands in README.md. `npm run docs:config` prints it or writes it into the README; the test
 * test/bootstrap/config-table.test.ts fails while the two differ.
 */
import { configurationTable } from './setting.js';
import { SETTINGS } from './settings.js';

/** The table of every declared variable, as README.md's "## Configuration" holds it. */
export const CONFIGURATION_TABLE = configurationTable(SETTINGS);

/** Where the table is in `readme`: the first table after "## Configuration", header row to last row. */
export function tableIn(readme: string): { start: number; end: number; table: string } {
  const section = readme.indexOf('\n## Configuration\n');
  const start = readme.indexOf('\n| variable |', section) + 1;
  if (section < 0 || start === 0) throw new Error('README.md has no configuration table under "## Configuration"');
  const after = readme.indexOf('\n\n', start);
  const end = after < 0 ? readme.length : after;
  return { start, end, table: readme.slice(start, end) };
}

/** `readme` with its configuration table replaced by the declarations'. */
export function withConfigurationTable(readme: string): string {
  const { start, end } = tableIn(readme);
  return `${readme.slice(0, start)}${CONFIGURATION_TABLE}${readme.slice(end)}`;
}
