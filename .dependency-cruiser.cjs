/**
 * The floors of the workspace (`pnpm lint` checks them): libraries below, deployables above.
 * packages/* are libraries, services/* are deployables (one Lambda stack each), apps/* are
 * composition roots for one machine. An arrow only ever points down, and nothing goes round.
 */
module.exports = {
  forbidden: [
    {
      name: 'library-imports-deployable',
      comment: 'A library (packages/*) never imports a service or an app: move the code down, or pass it in.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^(services|apps)/' },
    },
    {
      name: 'service-imports-service',
      comment: 'A service never imports another service: what both need belongs in a library.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'service-imports-app',
      comment: 'A service never imports an app: apps compose services, not the other way round.',
      severity: 'error',
      from: { path: '^services/' },
      to: { path: '^apps/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves: a workspace package used but not declared as a dependency fails here.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles: a module that needs itself back cannot be understood alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|reports|\\.serverless|\\.esbuild|\\.build|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
