// Runs the platform benchmark alone: `npm run build && node build/bench/platform-main.js [--ci]`.
import { runPlatformBench } from './platform.js';

const report = await runPlatformBench({ ci: process.argv.includes('--ci') || process.env.CI === 'true' });
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
