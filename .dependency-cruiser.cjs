// Import boundaries between the top-level folders, in the layer order of docs/architecture.md.
// `npm run lint` runs it; a new import that runs up the layers fails CI.
//
// Each entry: a folder and the folders it may import (besides itself). Anything else is refused.
const services = ['codec', 'crypto', 'runtime', 'kpi', 'consensus', 'ledger', 'api'];
const programs = [...services, 'node', 'site', 'platform', 'testkit'];
const layers = {
  codec: [],
  crypto: ['codec'],
  kpi: ['codec'],
  consensus: ['codec', 'crypto'],
  runtime: ['codec', 'crypto'],
  ledger: ['codec', 'crypto', 'kpi', 'consensus'],
  api: ['codec', 'crypto', 'runtime', 'kpi', 'consensus', 'ledger'],
  node: services,
  site: services.filter((f) => f !== 'consensus'),
  platform: services,
  testkit: services,
  devnet: programs,
  console: programs,
  e2e: [...programs, 'devnet'],
  cli: [...programs, 'devnet', 'console', 'e2e'],
  bench: [...programs, 'devnet', 'console', 'e2e', 'cli'],
  test: [...programs, 'devnet', 'console', 'e2e', 'cli'],
};

const folders = Object.keys(layers);

/** One rule per folder: from it, no import of a project folder outside its list. */
const layerRules = folders.map((from) => {
  const refused = folders.filter((f) => f !== from && !layers[from].includes(f));
  return {
    name: `layer-${from}`,
    comment: `${from}/ may import only ${layers[from].join(', ') || 'nothing outside itself'} (docs/architecture.md)`,
    severity: 'error',
    from: { path: `^${from}/` },
    to: { path: `^(${refused.join('|')})/` },
  };
});

/**
 * A sub-folder with an index.ts (node/store, node/p2p) has an interior: from outside it, import
 * its index only. Its own unit tests (test/) may reach the parts they test.
 */
const interiors = ['node/store', 'node/p2p'];
const indexRules = interiors.map((dir) => ({
  name: `index-only-${dir.replace('/', '-')}`,
  comment: `outside ${dir}/, import ${dir}/index.ts, not the files behind it`,
  severity: 'error',
  from: { pathNot: `^(${dir}/|test/)` },
  to: { path: `^${dir}/`, pathNot: `^${dir}/index\\.ts$` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    ...indexRules,
    {
      name: 'pure-core',
      comment: 'codec, kpi, consensus and ledger do no I/O: no Node.js built-in modules',
      severity: 'error',
      from: { path: '^(codec|kpi|consensus|ledger)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-circular-folders',
      comment: 'a cycle between files makes the layer picture lie',
      severity: 'error',
      from: { path: '^(codec|crypto|kpi|consensus|runtime|ledger|api)/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: `^(${folders.join('|')})/`,
    exclude: { path: '^(build|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
