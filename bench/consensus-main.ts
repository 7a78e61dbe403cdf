// Standalone entry: `node build/bench/consensus-main.js [--ci]` after `npm run build`.
import '../node/polyfill.js';
import { printGuards } from '../testkit/bench-report.js';
import { runConsensusBench } from './consensus.js';

const report = runConsensusBench({ ci: process.argv.includes('--ci') });
printGuards(report.guards);
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
