// `bkdms trace` fetches the proof bundle of a committed envelope once, checks it against a trust
// anchor the caller holds (--genesis or --anchor), and prints only what that check proved;
// `--out F` saves the bundle in its byte form (docs/wire-format.md §11, "Trace bundle file").
// `bkdms verify F` checks a saved bundle with no network. Both exit 1 unless the bundle verified.
// With `--client <id>` the tracing code is chain A's and the node chain B's: the cross-chain trace
// of a fact B's light client `id` recorded (docs/cross-chain.md §5), checked against both anchors.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { decodeTraceFile, encodeTraceFile } from '../api/trace-file.js';
import { fetchXchainTrace } from '../api/xchain-trace-fetch.js';
import { decodeXchainTraceFile, encodeXchainTraceFile, isXchainTraceFile } from '../api/xchain-trace-file.js';
import { tracingCode as tracingCodeOf } from '../crypto/hash.js';
import { addRpcFlags, type RpcFlags, rpcTls } from './rpc-flags.js';
import { checkBundle, formatReport, type TraceReport } from './trace-report.js';
import { type AnchorFlags, loadTrustAnchor } from './trust-anchor.js';
import { checkXchainBundle, formatXchainReport, type XchainTraceReport } from './xchain-trace-report.js';

const HEX32 = /^[0-9a-f]{64}$/;

interface OutputFlags {
  json?: boolean;
}

interface RemoteFlags {
  remoteGenesis?: string;
  remoteAnchor?: string;
}

function remoteAnchorFlags(cmd: Command): Command {
  return cmd
    .option(
      '--remote-genesis <file>',
      "cross-chain: chain A's genesis file (its chain ID is A's trust anchor)",
    )
    .option('--remote-anchor <file>', 'cross-chain: a pinned chain file of chain A (its chainId)');
}

function printXchain(r: XchainTraceReport, o: OutputFlags): void {
  process.stdout.write(o.json === true ? `${JSON.stringify(r, null, 2)}\n` : formatXchainReport(r));
  if (!r.verified) process.exitCode = 1;
}

function parseClient(s: string): number {
  const id = Number(s);
  if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new Error('--client must be 0..65535');
  return id;
}

function anchorFlags(cmd: Command): Command {
  return cmd
    .option(
      '--genesis <file>',
      'trust anchor: the genesis file of the chain (its chain ID and validator set)',
    )
    .option('--anchor <file>', 'trust anchor: a pinned chain file {"chainId": hex, "validators": [hex, ...]}')
    .option('--json', 'print the report as JSON (verified: false with a reason when not verified)');
}

function print(r: TraceReport, o: OutputFlags): void {
  process.stdout.write(o.json === true ? `${JSON.stringify(r, null, 2)}\n` : formatReport(r));
  if (!r.verified) process.exitCode = 1;
}

function parseCode(code: string, what: string): Buffer {
  if (!HEX32.test(code)) throw new Error(`${what} must be 64 lower-case hex digits`);
  return Buffer.from(code, 'hex');
}

export function registerTraceCommands(program: Command): void {
  remoteAnchorFlags(anchorFlags(addRpcFlags(program.command('trace'))))
    .description(
      'fetch the proof bundle of a committed envelope and verify it offline against a trust anchor ' +
        '(without --genesis or --anchor it says NOT VERIFIED); with --client, the two-chain trace ' +
        "of chain A's envelope recorded by this chain's light client of A",
    )
    .argument('<tracing-code>', 'SHA-256 of the envelope, 64 hex digits')
    .option('--out <file>', 'also save the bundle as fetched, for `bkdms verify` later')
    .option(
      '--client <id>',
      "cross-chain: the tracing code is chain A's, recorded by this chain's light client <id> of A " +
        '(verified with --genesis of this chain and --remote-genesis of A)',
    )
    .action(
      async (
        code: string,
        o: RpcFlags & AnchorFlags & RemoteFlags & OutputFlags & { out?: string; client?: string },
      ) => {
        const tc = parseCode(code, 'tracing code');
        const anchor = loadTrustAnchor(o);
        const c = new BkdmsClient({ address: o.rpc, tls: rpcTls(o), deadlineMs: 5000 });
        try {
          if (o.client !== undefined) {
            const bundle = await fetchXchainTrace(c, parseClient(o.client), tc);
            const remote = loadTrustAnchor({ genesis: o.remoteGenesis, anchor: o.remoteAnchor });
            printXchain(checkXchainBundle(bundle, tc, anchor, remote), o);
            if (o.out !== undefined) writeFileSync(o.out, encodeXchainTraceFile(bundle));
            return;
          }
          const bundle = await c.trace(tc);
          print(checkBundle(bundle, tc, anchor), o);
          // Saved as fetched, verified or not (a bundle may be checked later against another
          // anchor); one whose header does not even decode has no file form.
          if (o.out !== undefined) writeFileSync(o.out, encodeTraceFile(bundle));
        } finally {
          c.close();
        }
      },
    );
  remoteAnchorFlags(anchorFlags(program.command('verify')))
    .description(
      'check a saved proof bundle (from `bkdms trace --out`) against a trust anchor, with no network',
    )
    .argument('<file>', 'trace bundle file, or cross-chain trace file (then --remote-genesis too)')
    .option('--tracing-code <hex>', 'the envelope the bundle must prove (default: the one it holds)')
    .action((file: string, o: AnchorFlags & RemoteFlags & OutputFlags & { tracingCode?: string }) => {
      const anchor = loadTrustAnchor(o);
      const bytes = readFileSync(file);
      if (isXchainTraceFile(bytes)) {
        const remote = loadTrustAnchor({ genesis: o.remoteGenesis, anchor: o.remoteAnchor });
        const expected = o.tracingCode === undefined ? undefined : parseCode(o.tracingCode, '--tracing-code');
        printXchain(checkXchainBundle(decodeXchainTraceFile(bytes), expected, anchor, remote), o);
        return;
      }
      const bundle = decodeTraceFile(bytes);
      const tc =
        o.tracingCode === undefined
          ? tracingCodeOf(bundle.envelope)
          : parseCode(o.tracingCode, '--tracing-code');
      print(checkBundle(bundle, tc, anchor), o);
    });
}
