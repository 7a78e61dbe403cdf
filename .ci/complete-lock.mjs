// Completes package-lock.json after `npm install` on this workplace's registry mirror.
//
// Why: the mirror does not serve the other platforms' builds of packages with native binaries
// (biome, rollup, msgpackr-extract: e.g. @biomejs/cli-darwin-arm64). npm 11 then writes no lock
// entry for them, and `npm ci` refuses the lock it just wrote ("Missing: … from lock file", npm/cli
// issue 9846). An optional dependency entry with its version lets `npm ci` accept the lock; on this
// platform those packages are skipped as they always were.
//
// Usage, after any dependency change: `npm install && node .ci/complete-lock.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [where, entry] of Object.entries({ ...packages })) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${where === '' ? '' : `${where}/`}node_modules/${name}`;
    if (packages[nested] !== undefined || packages[`node_modules/${name}`] !== undefined) continue;
    packages[`node_modules/${name}`] = { version, ...(entry.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`package-lock.json: ${added} optional platform entries added\n`);
