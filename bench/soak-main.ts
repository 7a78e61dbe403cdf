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
    help: { type: 'boolean', short: 'h' },
  },
});
if (v.help === true) {
  process.stdout.write(`node build/bench/soak-main.js [options]   (after npm run build; docs/performance.md)
  --n N               nodes in the bench cluster (default 1)
  --rate R            envelopes/s offered, fixed rate (default 1000; 300 with --ci)
  --duration S        seconds of sending (default 600; 30 with --ci), then a 30 s drain
  --sample S          seconds between samples of RSS, V8 heap and mempool (default 5; 2 with --ci)
  --envelopes E       stop sending after E envelopes (default 1000000)
  --dir D             bench cluster folder, kept (default: a temporary one, removed after)
  --name NAME         report name: bench/results/NAME.json (default soak)
  --heap-signal       start nodes with --heapsnapshot-signal=SIGUSR2
  --node-arg=FLAG     one more node (V8) flag for every node; repeat for more,
                      e.g. --node-arg=--max-old-space-size=160
  --node-wrapper CMD  start every node under CMD (split on spaces), e.g.
                      'env LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2'
  --ci                the short CI defaults above
  -h, --help          this text
`);
  process.exit(0);
}
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
