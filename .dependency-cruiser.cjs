/**
 * The layer direction of ../shared/STYLE.md, enforced on every `npm test`:
 * domain <- application <- adapters <- bootstrap, and nothing in src imports the tests; the
 * page (web/) runs the domain and takes only types from the rest of src.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports only src/domain: no node:*, no packages, no other layer.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'application-imports-domain-only',
      comment: 'src/application imports only src/domain and src/application: no adapter, no bootstrap, no node:* module and no package (got, @aws-sdk, ...); what it needs from outside comes through a port.',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { pathNot: '^src/(domain|application)/' },
    },
    {
      name: 'adapters-do-not-wire',
      comment: 'Only src/bootstrap names concrete adapters; an adapter never imports bootstrap.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/bootstrap/' },
    },
    {
      name: 'adapters-stay-in-their-lane',
      comment: 'One adapter folder never imports another (http may not reach into sqlite, ...), except the shared helpers.',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/adapters/', pathNot: ['^src/adapters/$1/', '^src/adapters/shared/'] },
    },
    {
      name: 'only-the-composition-root-knows-the-container',
      comment: 'Use cases and adapters are plain classes: inversify is used in src/bootstrap only, with no decorators and no reflect-metadata.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/bootstrap/' },
      to: { path: 'node_modules/(inversify|@inversifyjs|reflect-metadata)/' },
    },
    {
      name: 'no-reflect-metadata',
      severity: 'error',
      from: {},
      to: { path: 'node_modules/reflect-metadata/' },
    },
    {
      name: 'src-never-imports-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
    {
      name: 'the-page-takes-only-types-from-the-server',
      comment: 'web/ is bundled into the browser: from src it runs the pure domain only (its rules, the same as the server\'s); from the rest of src, and from zod, it takes types alone (import type: the API schemas, in web/wire.ts), which the bundler drops, so nothing of the server or of zod is bundled.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: ['^src/', 'node_modules/zod/'], pathNot: '^src/domain/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
