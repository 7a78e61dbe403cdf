// Runs the cluster benchmark alone: `npm run build && node build/bench/cluster-main.js [--ci]`.
import '../node/polyfill.js';
import { runClusterBench } from '../devnet/load/cluster-bench.js';

const report = await runClusterBench({ ci: process.argv.includes('--ci') || process.env.CI === 'true' });
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
