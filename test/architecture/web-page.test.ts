/**
 * The calendar page's code (web/) keeps its shape: what its bundle carries from the server's side
 * (the pure domain, and nothing of zod or of the other layers: the API schemas come in as types
 * only, web/wire.ts), no file too long to read at once, and its state in one place (state.ts), not
 * in module-level variables scattered over the modules. dependency-cruiser checks the imports as
 * written; this checks the bundle esbuild makes from them, and what an import check cannot see.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';

const root = process.cwd();
const WEB = join(root, 'web');
const MAX_LINES = 300;

/** The source files and node_modules packages the page's bundle is made of, as esbuild reports them. */
async function bundleInputs(): Promise<string[]> {
  const result = await build({
    entryPoints: [join(WEB, 'calendar.ts')], bundle: true, format: 'esm', platform: 'browser', write: false, metafile: true,
    tsconfig: join(WEB, 'tsconfig.json'), logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

/** Each module-level `let` or `var` of a source, as `line: name`: state kept outside state.ts's one object. */
export function moduleVariables(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  return file.statements.filter(ts.isVariableStatement)
    .filter((statement) => (statement.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) !== ts.NodeFlags.Const)
    .flatMap((statement) => statement.declarationList.declarations.map((d) =>
      `${file.getLineAndCharacterOfPosition(d.getStart()).line + 1}: ${d.name.getText(file)}`));
}

describe('the calendar page (web/)', () => {
  it('bundles the domain, and nothing of zod or of the layers outside it', async () => {
    const inputs = await bundleInputs();
    const fromSrc = inputs.filter((path) => path.startsWith('src/'));
    expect(inputs.filter((path) => /node_modules\/zod\//.test(path))).toEqual([]);
    expect(fromSrc.filter((path) => !path.startsWith('src/domain/'))).toEqual([]);
    // The check sees what it means to: the domain's rules are in the bundle, the page's own modules too.
    expect(fromSrc).toEqual(expect.arrayContaining(['src/domain/actor.ts', 'src/domain/window.ts']));
    expect(inputs).toEqual(expect.arrayContaining(['web/state.ts', 'web/api.ts']));
  }, 60_000);

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = readdirSync(WEB).map((name) => ({ name, lines: readFileSync(join(WEB, name), 'utf8').split('\n').length }))
      .filter((file) => file.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('keeps its state in state.ts: no module-level let or var anywhere in web/', () => {
    const found = readdirSync(WEB).filter((name) => name.endsWith('.ts'))
      .flatMap((name) => moduleVariables(name, readFileSync(join(WEB, name), 'utf8')).map((v) => `${relative(root, join(WEB, name))}:${v}`));
    expect(found).toEqual([]);
  });

  it('finds a module-level let or var, and not a const or a let inside a function', () => {
    expect(moduleVariables('x.ts', 'let a = 1;\nconst b = 2;\nvar c, d;\nfunction f() { let e = 3; return e; }\n')).toEqual(['1: a', '3: c', '3: d']);
  });
});
