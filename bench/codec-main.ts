// Runs the codec benchmark alone: `npm run build && node build/bench/codec-main.js [--ci]`.
import { runCodecBench } from './codec.js';

const report = await runCodecBench({ ci: process.argv.includes('--ci') || process.env.CI === 'true' });
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
