/**
 * README.md's configuration table is made from the settings' declarations (src/bootstrap/settings.ts):
 * a variable added, renamed, given another default or documented anew there must be so in the README
 * too (`npm run docs:config -- --write` rewrites the table).
 */
import { readFileSync } from 'node:fs';
import { CONFIGURATION_TABLE, tableIn, withConfigurationTable } from '../../src/bootstrap/config-table.js';
import { CONFIG_VARIABLES, loadConfig } from '../../src/bootstrap/config.js';
import { SETTINGS } from '../../src/bootstrap/settings.js';

const readme = readFileSync('README.md', 'utf8');

it("README.md's configuration table is the declarations' (run npm run docs:config -- --write after changing a setting)", () => {
  expect(tableIn(readme).table).toBe(CONFIGURATION_TABLE);
});

it('the table has one row per declared variable, each named once, and every variable the configuration reads is in it', () => {
  const rows = CONFIGURATION_TABLE.split('\n').slice(2);
  const names = rows.map((row) => /^\| `([^`]+)` \|/.exec(row)?.[1]);
  expect(names).toEqual(Object.values(SETTINGS).map((s) => s.name));
  expect(new Set(names).size).toBe(names.length);
  for (const variable of CONFIG_VARIABLES) expect(names).toContain(variable);
});

it('writing the table into the README changes only the table', () => {
  const stale = readme.replace('| `PORT` | `3000` |', '| `PORT` | `8080` |');
  expect(stale).not.toBe(readme);
  expect(tableIn(stale).table).not.toBe(CONFIGURATION_TABLE);
  expect(withConfigurationTable(stale)).toBe(withConfigurationTable(readme));
  expect(withConfigurationTable(readme)).toBe(readme);
});

it('every default a declaration states is a value its own parser accepts, and is what an unset variable gets', () => {
  for (const declared of Object.values(SETTINGS)) {
    if (declared.kind !== 'value' || !('default' in declared) || declared.default === undefined) continue;
    expect({ name: declared.name, ok: declared.parse.safeParse(declared.default).success }).toEqual({ name: declared.name, ok: true });
  }
  const defaults = loadConfig({});
  for (const [key, declared] of Object.entries(SETTINGS)) {
    if (declared.kind !== 'value' || !('default' in declared) || declared.default === undefined || key === 'siteLocations') continue;
    expect({ key, value: defaults[key as keyof typeof defaults] }).toEqual({ key, value: declared.parse.parse(declared.default) });
  }
});
