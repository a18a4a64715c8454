/**
 * The dependency rule of STYLE.md, enforced by `npm run lint`:
 * src/domain is pure (no SDK, nothing from platforms, sources, store or delivery);
 * only src/platforms/<name>/ imports its platform's SDK; platforms do not import each other.
 * Only src/charts draws (chart.js, @napi-rs/canvas), and it knows no platform or store.
 */

/**
 * Each platform's SDK, by the platform folder that alone may import it: a platform that comes
 * with an SDK adds its line here.
 */
const PLATFORM_SDKS = {
  discord: ['node_modules/discord\\.js', 'node_modules/@discordjs/'],
  slack: ['node_modules/@slack/'],
};

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
    ...Object.entries(PLATFORM_SDKS).map(([platform, sdk]) => ({
      name: `${platform}-sdk-only-in-its-platform`,
      severity: 'error',
      from: { pathNot: `^src/platforms/${platform}/` },
      to: { path: sdk },
    })),
    {
      name: 'platforms-stay-apart',
      severity: 'error',
      comment:
        'adding a platform means adding one folder; none reaches into another (the contract they fulfil, src/platforms/plugin.ts, is shared)',
      from: { path: '^src/platforms/([^/]+)/' },
      to: { path: '^src/platforms/', pathNot: ['^src/platforms/$1/', '^src/platforms/plugin\\.ts$'] },
    },
    {
      name: 'platform-contract-names-no-platform',
      severity: 'error',
      comment: 'src/platforms/plugin.ts is what every platform fulfils: it knows none of them (the list is src/platforms/index.ts)',
      from: { path: '^src/platforms/plugin\\.ts$' },
      to: { path: '^src/platforms/' },
    },
    {
      name: 'nothing-below-platforms-imports-them',
      severity: 'error',
      comment: 'only platforms, the composition root and the CLI know platforms',
      from: { pathNot: '^src/(platforms/|main\\.ts$|cli/|doctor/)' },
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
      to: { path: '^src/(platforms|store|sources|delivery|pipelines|coordination|observability|doctor|cli)/|^src/main\\.ts$' },
    },
    {
      name: 'messages-build-from-domain-only',
      severity: 'error',
      comment: 'src/messages turns domain values into the neutral Reply: it imports only src/domain (and itself)',
      from: { path: '^src/messages/' },
      to: { pathNot: ['^src/(messages|domain)/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'sources-read-only-for-pipelines',
      severity: 'error',
      comment: 'ICE is read by src/sources; only pipelines (and the doctor and the file tools of the CLI, which test a source) call them',
      from: { pathNot: '^src/(sources|pipelines|doctor|cli)/' },
      to: { path: '^src/sources/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-pipelines-join-sources-and-delivery',
      severity: 'error',
      comment: 'a module that reads a source does not deliver: pipelines chain the two, nothing else does',
      from: { path: '^src/(sources|doctor|cli)/' },
      to: { path: '^src/delivery/' },
    },
    {
      name: 'lower-layers-do-not-import-upward',
      severity: 'error',
      comment: 'domain < messages < sources, store < delivery, coordination, pipelines < commands, jobs < platforms < main, cli',
      from: { path: '^src/(domain|messages|sources|store|delivery|coordination|pipelines|observability|logging|charts|web)/' },
      to: { path: '^(commands|jobs)/|^src/(platforms|cli|doctor)/|^src/main\\.ts$' },
    },
    {
      name: 'store-below-delivery-and-pipelines',
      severity: 'error',
      from: { path: '^src/(store|sources)/' },
      to: { path: '^src/(delivery|pipelines|coordination|observability)/' },
    },
    {
      name: 'web-reads-the-store-and-renders',
      severity: 'error',
      comment:
        'src/web (feeds, state pages) serves what the store holds: it reaches no platform, pipeline, delivery, coordination or wiring',
      from: { path: '^src/web/' },
      to: { path: '^src/(platforms|pipelines|delivery|coordination|cli|doctor|sources)/|^src/main\\.ts$|^(commands|jobs)/' },
    },
    {
      name: 'only-the-wiring-knows-web',
      severity: 'error',
      comment: 'the public web surface is wired by the composition root (and measured by the bench)',
      from: { path: '^src/', pathNot: '^src/(web/|main\\.ts$|cli/)' },
      to: { path: '^src/web/' },
    },
    {
      name: 'commands-run-on-ports',
      severity: 'error',
      comment: 'a command reads stores through ports and returns a Reply; it never reaches a platform, a pipeline or the wiring',
      from: { path: '^commands/' },
      to: { path: '^src/(platforms|pipelines|delivery|cli|doctor)/|^src/main\\.ts$|^jobs/' },
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
