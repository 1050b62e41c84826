// Three sizes of test, one jest run: unit (pure, in-process), integration (one adapter against a
// real service) and e2e (several services as processes on real Kafka, Redis and Postgres).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@freshet/domain/(.*)$': '<rootDir>/libs/domain/src/$1',
  '^@freshet/(domain|contracts|config|messaging|storage|cache|sdk|dbt|testing|runtime|api|observability)$': '<rootDir>/libs/$1/src',
};
// PGlite's CommonJS build loads Node built-ins with dynamic import(), which jest's VM refuses
// without --experimental-vm-modules; compiling it with swc turns those into require().
const swcJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc, '/node_modules/@electric-sql/pglite[^/]*/dist/.+\\.c?js$': swcJs },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite)'],
  moduleNameMapper,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.cache/'],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scenarios,bench}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/infra/global-setup.js',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/infra/global-setup.js',
    },
    // Faults stop brokers and kill services: run alone and in band (`npm run test:faults`).
    {
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/infra/global-setup.js',
    },
  ],
};
