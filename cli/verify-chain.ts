// `bkdms verify-chain`: checks a node's header chain against a genesis file, trusting no node.
// Headers come page by page (GetHeaders) and go through api/header-chain.ts: heights, chain ID,
// parent links, time, the validator set and its quorum certificate, and the block-hash log root
// each header carries against the log of the headers before it. Prints the first bad height and
// why; exits 1 on a bad chain. Validator sets: the genesis set only (header-chain.ts says why).
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { genesisValidators, type HeaderChainOptions, HeaderChainVerifier } from '../api/header-chain.js';
import type { HeadersPage, HeadersQuery } from '../api/types.js';
import { toHex } from '../crypto/bytes.js';
import { loadGenesis } from '../node/genesis.js';
import { addRpcFlags, type RpcFlags, rpcTls } from './rpc-flags.js';

/** What the walk needs from a node (BkdmsClient has it). */
export interface HeaderSource {
  getHeaders(q: Partial<HeadersQuery> & { fromHeight: number }): Promise<HeadersPage>;
  getBlockHashProof(height: number, at: number): Promise<Uint8Array>;
}

export interface VerifyChainResult {
  ok: boolean;
  chainId: string;
  /** First and last height checked (from genesis unless --from anchored the walk). */
  from: number;
  to: number;
  /** The node's tip when the walk ended. */
  tip: number;
  /** Headers that verified. */
  verified: number;
  /** Root of the block-hash log over blocks 0..last verified height. */
  logRoot: string;
  firstBad: { height: number; check: string; message: string } | null;
  /** What the verifier vouched for and what it did not. */
  trust: string[];
}

export interface VerifyChainOptions {
  chain: HeaderChainOptions & { validatorKeys: readonly Uint8Array[] };
  from?: number;
  to?: number;
  /** Progress lines (stderr in the CLI); called about every `progressEvery` headers. */
  progress?: (line: string) => void;
  progressEvery?: number;
}

export async function verifyChain(node: HeaderSource, o: VerifyChainOptions): Promise<VerifyChainResult> {
  const from = o.from ?? 1;
  if (!Number.isSafeInteger(from) || from < 1) throw new Error('--from must be a height of 1 or more');
  if (o.to !== undefined && (!Number.isSafeInteger(o.to) || o.to < from))
    throw new Error('--to must be a height at or above --from');
  const trust = [
    `validator set: the genesis set at every height (${o.chain.validatorKeys.length} keys); a governance change of the set is not followed and shows as WRONG_VALIDATOR_SET`,
  ];
  let v: HeaderChainVerifier;
  if (from === 1) v = new HeaderChainVerifier(o.chain);
  else {
    // Anchored at the certified header below --from: its parent's proof gives the log's frontier.
    const anchor = (await node.getHeaders({ fromHeight: from - 1, toHeight: from - 1 })).headers[0];
    if (anchor === undefined) throw new Error(`the node has no header ${from - 1}`);
    v = HeaderChainVerifier.anchored(o.chain, anchor, await node.getBlockHashProof(from - 2, from - 1));
    trust.push(`headers below ${from} not walked: the walk starts from certified header ${from - 1}`);
  }
  let next = from;
  let tip = 0;
  let lastReport = 0;
  const every = o.progressEvery ?? 5000;
  while (next !== 0 && v.failure === undefined) {
    const page = await node.getHeaders({
      fromHeight: next,
      ...(o.to === undefined ? {} : { toHeight: o.to }),
    });
    tip = page.tip;
    if (page.headers.length === 0) break;
    for (const h of page.headers) if (!v.push(h).ok) break;
    next = page.nextHeight;
    if (v.height - lastReport >= every) {
      lastReport = v.height;
      o.progress?.(`verified ${v.height} of ${o.to ?? tip} headers`);
    }
  }
  const failure = v.failure ?? null;
  const end = o.to ?? tip;
  // A node whose chain stops short of --to is not a bad chain, but the range was not all checked.
  if (failure === null && v.height < end)
    trust.push(`the node served headers only up to ${v.height}, not ${end}`);
  return {
    ok: failure === null,
    chainId: toHex(o.chain.chainId),
    from,
    to: v.height,
    tip,
    verified: v.height - from + 1,
    logRoot: toHex(v.logRoot()),
    firstBad: failure,
    trust,
  };
}

function human(r: VerifyChainResult): string {
  const lines = [
    r.ok
      ? `chain ${r.chainId.slice(0, 16)}… verified: headers ${r.from}..${r.to} (node tip ${r.tip})`
      : `chain ${r.chainId.slice(0, 16)}…: BAD at height ${r.firstBad?.height}: ${r.firstBad?.check}: ${r.firstBad?.message}`,
    `block-hash log root after ${r.to}: ${r.logRoot}`,
    ...r.trust.map((t) => `note: ${t}`),
  ];
  return `${lines.join('\n')}\n`;
}

const height = (s: string): number => {
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(n)) throw new Error(`not a height: ${s}`);
  return n;
};

export function registerVerifyChainCommand(program: Command): void {
  addRpcFlags(program.command('verify-chain'))
    .description(
      "check a node's header chain from genesis: links, heights, certificates and block-hash log roots; prints the first bad height",
    )
    .requiredOption(
      '--genesis <file>',
      'genesis file: chain ID and the validator set the certificates must satisfy',
    )
    .option('--from <height>', 'first height to walk (anchored at the certified header below it)', height)
    .option('--to <height>', 'last height to walk (default: the tip)', height)
    .option('--json', 'print the result as JSON')
    .action(async (o: RpcFlags & { genesis: string; from?: number; to?: number; json?: boolean }) => {
      const g = loadGenesis(o.genesis);
      const c = new BkdmsClient({ address: o.rpc, tls: rpcTls(o), deadlineMs: 30_000 });
      try {
        const r = await verifyChain(c, {
          chain: {
            chainId: g.chainId,
            validators: genesisValidators(g.validators),
            validatorKeys: g.validators,
            genesisTime: g.genesisTime,
          },
          ...(o.from === undefined ? {} : { from: o.from }),
          ...(o.to === undefined ? {} : { to: o.to }),
          progress: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : human(r));
        if (!r.ok) process.exitCode = 1;
      } finally {
        c.close();
      }
    });
}
