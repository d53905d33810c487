/** Jest runs the TypeScript sources through ts-jest as ES modules. Type errors are caught by
 * `npm run typecheck`, so ts-jest only transpiles (isolatedModules) to keep the suite fast. */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Its ES build is .js files in a package without "type": "module": Node detects the syntax, Jest
    // does not. The CommonJS build is the same code.
    '^astronomy-engine$': '<rootDir>/node_modules/astronomy-engine/astronomy.js',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
  },
  testTimeout: 30000,
};
