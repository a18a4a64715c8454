/**
 * The dependency rule of STYLE.md, enforced by `npm run lint`:
 * src/domain is pure (no SDK, nothing from platforms, sources, store or delivery);
 * only src/platforms/<name>/ imports its platform's SDK; platforms do not import each other.
 * Only src/charts draws (chart.js, @napi-rs/canvas), and it knows no platform or store.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain imports no SDK and nothing with effects: it takes values and returns values',
      from: { path: '^src/domain/' },
      to: {
        pathNot: ['^src/domain/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'domain-no-io-core-modules',
      severity: 'error',
      comment: 'src/domain may use node:crypto for hashing, but no I/O modules',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'], pathNot: ['^crypto$', '^node:crypto$'] },
    },
    {
      name: 'discord-sdk-only-in-its-platform',
      severity: 'error',
      from: { pathNot: '^src/platforms/discord/' },
      to: { path: ['node_modules/discord\\.js', 'node_modules/@discordjs/'] },
    },
    {
      name: 'slack-sdk-only-in-its-platform',
      severity: 'error',
      from: { pathNot: '^src/platforms/slack/' },
      to: { path: ['node_modules/@slack/'] },
    },
    {
      name: 'platforms-stay-apart',
      severity: 'error',
      comment: 'adding a platform means adding one folder; none reaches into another',
      from: { path: '^src/platforms/([^/]+)/' },
      to: { path: '^src/platforms/', pathNot: '^src/platforms/$1/' },
    },
    {
      name: 'nothing-below-platforms-imports-them',
      severity: 'error',
      comment: 'sources, store, services and delivery know no platform; only main.ts and cli.ts wire them',
      from: { path: '^src/(sources|store|services|delivery|domain)/' },
      to: { path: '^src/platforms/' },
    },
    {
      name: 'chart-libraries-only-in-charts',
      severity: 'error',
      comment: 'chart.js and the canvas binding are drawing details of src/charts; everything else passes ChartSpecs (data)',
      from: { pathNot: '^src/charts/' },
      to: { path: ['node_modules/chart\\.js/', 'node_modules/@napi-rs/'] },
    },
    {
      name: 'charts-know-no-platform-or-store',
      severity: 'error',
      comment: 'src/charts draws domain ChartSpecs: no platform, store, source, delivery or service code',
      from: { path: '^src/charts/' },
      to: { path: '^src/(platforms|store|sources|delivery|services|ops)/|^src/(main|cli)\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
