// Runs the crypto benchmark alone: `npm run build && node build/bench/crypto-main.js [--ci]`.
// On a shared Linux machine with autogroup scheduling (/proc/sys/kernel/sched_autogroup_enabled),
// a process gets one session's share of the CPU however many threads it runs, so the pool cannot
// show its scaling while others are busy. To measure it, run in its own session with a raised
// share: setsid bash -c 'echo -15 > /proc/$$/autogroup; exec node build/bench/crypto-main.js'
import { runCryptoBench } from './crypto.js';

const report = await runCryptoBench({ ci: process.argv.includes('--ci') || process.env.CI === 'true' });
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
