/**
 * The module graph, in layers (npm run lint:deps). Under apps/identity-server/src/:
 *   common/    errors, HTTP (filters, decorators, pagination), validation, the request principal
 *   platform   database/ config/ crypto/ audit/ mail/ metrics/ migrations/ policy/ tenancy/
 *              credentials/ (one mechanism for API keys, personal keys and SCIM tokens)
 *   features   every other folder; another folder may import only its index.ts
 *   root       main.ts, app.module.ts, app.factory.ts, data-source.ts, cli/: wire everything
 * libs/ are pure and import nothing of the app. A layer imports only the layers under it.
 */
const SRC = '^apps/identity-server/src/';
const COMMON = `${SRC}common/`;
const PLATFORM = `${SRC}(database|config|crypto|audit|mail|metrics|migrations|policy|tenancy|credentials)/`;
const FEATURE = `${SRC}(access-rules|accounts|api-keys|auth|authz|health|invitations|members|roles|scim|sso|sso-connections|teams|tenants)/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import cycle: modules that need each other cannot be read, tested or loaded alone ' +
        '(with ESM and decorator metadata, one of them sees the other undefined). Move what both ' +
        'need into a lower layer, or pass it in.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-feature-internals',
      severity: 'error',
      comment:
        "A deep import into another feature's internals. Import the feature's index.ts (its " +
        'public face) and, if it lacks what you need, decide there whether it should be public.',
      from: { path: `${SRC}([^/]+)/`, pathNot: [`${SRC}cli/`] },
      to: {
        path: FEATURE,
        pathNot: [`${SRC}$1/`, `${FEATURE}index\\.ts$`],
      },
    },
    {
      name: 'common-is-the-bottom',
      severity: 'error',
      comment:
        'common/ (errors, HTTP, validation) imports no platform module and no feature. Pass what ' +
        'it needs in (see ErrorRenderer in common/problem.filter.ts) or move the code up.',
      from: { path: COMMON },
      to: { path: [PLATFORM, FEATURE, `${SRC}[^/]+\\.ts$`] },
    },
    {
      name: 'platform-imports-no-feature',
      severity: 'error',
      comment:
        'The platform (database, config, crypto, audit, mail, metrics, policy, tenancy) sits ' +
        'under the features: it imports none of them. The composition root passes features in.',
      from: { path: PLATFORM },
      to: { path: [FEATURE, `${SRC}[^/]+\\.ts$`] },
    },
    {
      name: 'libs-are-pure',
      severity: 'error',
      comment: 'libs/ are pure and reusable: they import nothing of the app.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Built output: the server's dist/ and the console's apps/admin-console/dist/ (whose lazy
    // chunks and the entry chunk import each other, as bundles do).
    exclude: { path: ['(^|/)dist/', '^node_modules/'] },
    // Type-only imports count: a cycle of types is still a cycle of knowledge.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      conditionNames: ['types', 'import', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
