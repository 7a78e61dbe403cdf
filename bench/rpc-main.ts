// Runs the RPC benchmark alone: `npm run build && node build/bench/rpc-main.js [--ci]`.
import '../node/polyfill.js';
import { runRpcBench } from './rpc.js';

const report = await runRpcBench({ ci: process.argv.includes('--ci') || process.env.CI === 'true' });
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
