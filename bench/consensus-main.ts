// Standalone entry: `node build/bench/consensus-main.js [--ci]` after `npm run build`.
import '../cli/polyfill.js';
import { runConsensusBench } from './consensus.js';
import { printGuards, writeReport } from './harness.js';

const report = runConsensusBench({ ci: process.argv.includes('--ci') });
printGuards(report.guards);
process.stdout.write(`  wrote ${writeReport(report)}\n`);
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
