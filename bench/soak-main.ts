// Runs the memory soak alone, after `npm run build`:
//   node build/bench/soak-main.js [--n 1] [--rate 1000] [--duration 600] [--sample 5]
//     [--envelopes 1000000] [--dir D] [--name soak] [--heap-signal] [--node-arg=--flag ...]
//     [--node-wrapper 'heaptrack -o FILE'] [--ci]
// --heap-signal starts the nodes with --heapsnapshot-signal=SIGUSR2 (`kill -USR2 <pid>` writes a
// heap snapshot into the working folder). --node-wrapper starts every node under that command
// (split on spaces): heaptrack must start the process it profiles.
import '../node/polyfill.js';
import { parseArgs } from 'node:util';
import { runSoakBench } from './soak.js';

const { values: v } = parseArgs({
  options: {
    n: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    sample: { type: 'string' },
    envelopes: { type: 'string' },
    dir: { type: 'string' },
    name: { type: 'string' },
    'heap-signal': { type: 'boolean' },
    'node-arg': { type: 'string', multiple: true },
    'node-wrapper': { type: 'string' },
    ci: { type: 'boolean' },
  },
});
const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));

const report = await runSoakBench({
  ci: v.ci === true,
  n: num(v.n),
  perSecond: num(v.rate),
  durationS: num(v.duration),
  sampleS: num(v.sample),
  maxEnvelopes: num(v.envelopes),
  dir: v.dir,
  name: v.name,
  nodeWrapper: v['node-wrapper']?.split(' ').filter((w) => w !== ''),
  nodeArgs: [
    ...(v['heap-signal'] === true ? ['--heapsnapshot-signal=SIGUSR2'] : []),
    ...(v['node-arg'] ?? []),
  ],
});
process.exitCode = report.guards.every((g) => g.pass) ? 0 : 1;
