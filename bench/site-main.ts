// Runs the site benchmark alone: `npm run build && node build/bench/site-main.js [--ci]`.
import '../node/polyfill.js';
import { runSiteBench } from './site.js';

const report = await runSiteBench({ ci: process.argv.includes('--ci') || process.env.CI === 'true' });
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
