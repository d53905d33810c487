/**
 * The domain is pure: the same input gives the same answer. Imports are checked by
 * dependency-cruiser; this checks what an import check cannot see, the ambient globals that read the
 * clock, draw randomness or read the process: `Date.now()`, `new Date()` and `Date()` without an
 * argument, `Math.random()`, `performance`, `crypto` and `process`. Time comes in as an argument
 * (the application's Clock port); randomness and the environment stay in the adapters.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const AMBIENT = new Set(['process', 'performance', 'crypto']);

/** Each impure use in the source, as `line: text`. */
export function impurities(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const report = (node: ts.Node, what: string): void => {
    found.push(`${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${what}`);
  };
  const isGlobal = (node: ts.Expression, name: string): boolean =>
    (ts.isIdentifier(node) && node.text === name)
    || (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'globalThis' && node.name.text === name);
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && isGlobal(node.expression, 'Date') && node.name.text === 'now') report(node, 'Date.now');
    else if (ts.isPropertyAccessExpression(node) && isGlobal(node.expression, 'Math') && node.name.text === 'random') report(node, 'Math.random');
    else if (ts.isNewExpression(node) && isGlobal(node.expression, 'Date') && (node.arguments?.length ?? 0) === 0) report(node, 'new Date()');
    else if (ts.isCallExpression(node) && isGlobal(node.expression, 'Date')) report(node, 'Date()');
    else if (ts.isIdentifier(node) && AMBIENT.has(node.text) && isValueReference(node)) report(node, node.text);
    else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'globalThis' && AMBIENT.has(node.name.text)) {
      report(node, `globalThis.${node.name.text}`);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** An identifier that names the global, not a property, key, declaration or type of that name. */
function isValueReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === node) return false;
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent) || ts.isBindingElement(parent)) && parent.name === node) return false;
  if (ts.isTypeReferenceNode(parent) || ts.isQualifiedName(parent) || ts.isImportSpecifier(parent)) return false;
  return true;
}

const DOMAIN = join(process.cwd(), 'src', 'domain');

it('no file in src/domain reads the clock, draws randomness or reads the process', () => {
  const files = readdirSync(DOMAIN, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(5);
  const offences = files.flatMap((f) => impurities(f, readFileSync(join(DOMAIN, f), 'utf8')).map((o) => `src/domain/${f}:${o}`));
  expect(offences).toEqual([]);
});

it('the check finds each kind of impurity, and leaves pure code alone', () => {
  const impure = [
    'const a = Date.now();',
    'const b = new Date();',
    'const c = new Date;',
    'const d = Date();',
    'const e = Math.random();',
    'const f = process.env.X;',
    'const g = globalThis.process;',
    'const h = performance.now();',
    'const i = crypto.randomUUID();',
    'const j = globalThis.Date.now();',
  ].join('\n');
  expect(impurities('impure.ts', impure)).toEqual([
    '1: Date.now', '2: new Date()', '3: new Date()', '4: Date()', '5: Math.random', '6: process', '7: globalThis.process',
    '8: performance', '9: crypto', '10: Date.now',
  ]);
  const pure = [
    'const a = new Date(0).toISOString();',
    'const b = Date.parse("2030-01-01T00:00:00Z");',
    'const c = Date.UTC(2030, 0, 1);',
    'const o = { process: 1, crypto: 2 }; o.process; o.crypto;',
    'function f(performance: number) { return performance; }',
    'interface I { process: string }',
  ].join('\n');
  // The check is syntactic: a local that shadows a global's name is flagged too (rename the local).
  expect(impurities('pure.ts', pure)).toEqual(['5: performance']);
});
