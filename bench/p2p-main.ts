// Runs the network benchmark alone: `npm run build && node build/bench/p2p-main.js [--ci]`.
import '../node/polyfill.js';
import { runP2PBench } from './p2p.js';

const report = await runP2PBench({ ci: process.argv.includes('--ci') || process.env.CI === 'true' });
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
