// Runs the crypto benchmark alone: `npm run build && node build/bench/crypto-main.js [--ci]`.
import { runCryptoBench } from './crypto.js';

const report = await runCryptoBench({ ci: process.argv.includes('--ci') || process.env.CI === 'true' });
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
