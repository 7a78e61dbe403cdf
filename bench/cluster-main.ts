// Runs the cluster benchmark alone: `npm run build && node build/bench/cluster-main.js [--ci]`.
import '../cli/polyfill.js';
import { runClusterBench } from './cluster.js';

const report = await runClusterBench({ ci: process.argv.includes('--ci') || process.env.CI === 'true' });
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
