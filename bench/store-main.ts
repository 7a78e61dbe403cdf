// Runs the store benchmark alone: `npm run build && node build/bench/store-main.js [--ci]`.
import '../node/polyfill.js';
import { runStoreBench } from './store.js';

const report = await runStoreBench({ ci: process.argv.includes('--ci') || process.env.CI === 'true' });
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
