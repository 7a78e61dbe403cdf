// `bkdms node archive`, `bkdms archive verify`, `bkdms archive trace`: the archive of block-log
// segments a node writes before it prunes them (docs/storage.md, "Archive"; docs/operations.md).
// `node archive` copies a STOPPED node's sealed segments (a running node archives through its
// pruner, `retain.archiveDir`); `archive verify` checks an archive from the genesis file alone;
// `archive trace` builds the proof bundle of an archived envelope, in the form `bkdms verify` checks.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { encodeTraceFile } from '../api/trace-file.js';
import { traceFromArchive } from '../node/archive/trace.js';
import { type ArchiveReport, verifyArchive } from '../node/archive/verify.js';
import { loadGenesis } from '../node/genesis.js';
import { archiveDataDir } from '../node/store/index.js';
import { checkBundle, formatReport } from './trace-report.js';
import { type AnchorFlags, loadTrustAnchor } from './trust-anchor.js';

const say = (s: string): void => void process.stdout.write(`${s}\n`);
const progress = (s: string): void => void process.stderr.write(`${s}\n`);
const HEX32 = /^[0-9a-f]{64}$/;

const height = (s: string): number => {
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(n) || n < 1) throw new Error(`not a height: ${s}`);
  return n;
};

function human(r: ArchiveReport): string {
  if (r.failure !== null) {
    const f = r.failure;
    return `archive BAD in segment ${f.segment || '(none)'} at height ${f.height}: ${f.check}: ${f.message}\n${
      r.top > 0 ? `blocks 1..${r.top} verified before it\n` : ''
    }`;
  }
  const changes =
    r.validatorChanges.length === 0
      ? 'no validator-set change'
      : `validator-set changes at ${r.validatorChanges.join(', ')}, each proven by the header before it`;
  return [
    `archive verified: ${r.segments} segments, blocks 1..${r.top} of chain ${r.chainId.slice(0, 16)}…`,
    `block-hash log root after ${r.top}: ${r.logRoot}`,
    `note: checked from the genesis file: every header's link, certificate and log root, every body against its header; ${changes}`,
    '',
  ].join('\n');
}

export function registerNodeArchiveCommand(program: Command): void {
  const node = program.commands.find((c) => c.name() === 'node') ?? program.command('node');
  node
    .command('archive')
    .description(
      "copy a STOPPED node's sealed block-log segments below a height into an archive folder, each with a manifest (refused while the node runs: set retain.archiveDir instead)",
    )
    .requiredOption('--data <dir>', 'the data folder (config dataDir)')
    .requiredOption('--to <dir>', 'the archive folder (created; segments already in it are kept)')
    .requiredOption(
      '--below <height>',
      'archive only segments whose every block is below this height',
      height,
    )
    .option('--json', 'print the result as JSON')
    .action(async (o: { data: string; to: string; below: number; json?: boolean }) => {
      const r = await archiveDataDir(o.data, o.to, { below: o.below, progress });
      if (o.json) say(JSON.stringify(r, null, 2));
      else
        say(
          r.written.length === 0
            ? `nothing new to archive below ${o.below}; the archive holds blocks 1..${r.top}`
            : `archived ${r.written.length} segments; the archive holds blocks 1..${r.top}`,
        );
    });
}

export function registerArchiveCommands(program: Command): void {
  const archive = program
    .command('archive')
    .description('check an archive of block-log segments, and trace envelopes from it, with no node');
  archive
    .command('verify')
    .description(
      'check every segment against its manifest and every block against the header chain from genesis; exit 1 naming the first bad segment and height',
    )
    .argument('<dir>', 'the archive folder')
    .requiredOption('--genesis <file>', 'genesis file: chain ID, genesis time and the first validator set')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, o: { genesis: string; json?: boolean }) => {
      const g = loadGenesis(o.genesis);
      const r = await verifyArchive(
        dir,
        { chainId: g.chainId, validators: g.validators, genesisTime: g.genesisTime },
        progress,
      );
      process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : human(r));
      if (!r.ok) process.exitCode = 1;
    });
  archive
    .command('trace')
    .description(
      'build the proof bundle of an archived envelope (the form `bkdms trace --out` saves) and verify it against a trust anchor',
    )
    .argument('<dir>', 'the archive folder')
    .argument('<tracing-code>', 'SHA-256 of the envelope, 64 hex digits')
    .option('--genesis <file>', 'trust anchor: the genesis file of the chain')
    .option('--anchor <file>', 'trust anchor: a pinned chain file {"chainId": hex, "validators": [hex, ...]}')
    .option(
      '--height <height>',
      'the block holding it, when known (reads one segment instead of scanning)',
      height,
    )
    .option('--out <file>', 'save the bundle, for `bkdms verify <file>`')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        dir: string,
        code: string,
        o: AnchorFlags & { height?: number; out?: string; json?: boolean },
      ) => {
        if (!HEX32.test(code)) throw new Error('tracing code must be 64 lower-case hex digits');
        const tc = Buffer.from(code, 'hex');
        const anchor = loadTrustAnchor(o);
        const t = await traceFromArchive(dir, tc, o.height === undefined ? {} : { height: o.height });
        progress(`found in ${t.segment}, block ${t.bundle.height}`);
        const r = checkBundle(t.bundle, tc, anchor);
        process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : formatReport(r));
        if (o.out !== undefined) writeFileSync(o.out, encodeTraceFile(t.bundle));
        if (!r.verified) process.exitCode = 1;
      },
    );
}
