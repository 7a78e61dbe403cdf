// `bkdms verify-chain`: checks a node's header chain against a genesis file, trusting no node.
// Headers come page by page (GetHeaders) and go through api/header-chain.ts: heights, chain ID,
// parent links, time, the validator set and its quorum certificate, and the block-hash log root
// each header carries against the log of the headers before it. Prints the first bad height and
// why; exits 1 on a bad chain. Validator sets: a light client (api/light-client.ts) starts from the
// genesis set; at the first header naming another set it learns the change from the proof the node
// kept of it (the schedule against the header before, certified by the set before), so a chain
// whose validators changed verifies end to end and a forged change stops the walk there.
// A node that joined by state sync holds no header below its base b (its PRUNED answer names b):
// the walk then starts at b, whose certificate is checked against the set in force there as
// learned from genesis, and the result names the base.
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { ApiError, ApiErrorCode } from '../api/errors.js';
import { refuse, verifyCertifiedHeader } from '../api/hash-log-verify.js';
import { type HeaderChainOptions, HeaderChainVerifier } from '../api/header-chain.js';
import { LightClient } from '../api/light-client.js';
import type { CertifiedHeaderBytes, HeadersPage, HeadersQuery, StateAnswer } from '../api/types.js';
import { decodeBlockHeader } from '../codec/block.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { validatorSetHash } from '../crypto/certificate.js';
import { decodeInclusionProof } from '../crypto/merkle-proof-codec.js';
import { loadGenesis } from '../node/genesis.js';
import { addRpcFlags, type RpcFlags, rpcTls } from './rpc-flags.js';

/** What the walk needs from a node (BkdmsClient has it). */
export interface HeaderSource {
  getHeaders(q: Partial<HeadersQuery> & { fromHeight: number }): Promise<HeadersPage>;
  getBlockHashProof(height: number, at: number): Promise<Uint8Array>;
  /** The unproven validator schedule (names the changes below --from) and the proven tip read. */
  getState(key: string, prove: boolean): Promise<StateAnswer>;
  /** The proof the node kept of the validator-set change at `activation` (GetState activation). */
  getValidatorChange(activation: number): Promise<StateAnswer>;
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
  /** The node's state-sync base, when it joined by state sync (it holds no header below it). */
  base?: number;
  /** What the verifier vouched for and what it did not. */
  trust: string[];
}

export interface VerifyChainOptions {
  /** Chain ID, genesis time and the genesis validator set; `validators` is the light client's. */
  chain: Omit<HeaderChainOptions, 'validators'> & { validatorKeys: readonly Uint8Array[] };
  from?: number;
  to?: number;
  /** Progress lines (stderr in the CLI); called about every `progressEvery` headers. */
  progress?: (line: string) => void;
  progressEvery?: number;
}

/**
 * The state-sync base of a node that holds no header 1 (its PRUNED answer names the base), or
 * undefined for a node that holds its chain from genesis.
 */
async function stateSyncBase(node: HeaderSource): Promise<number | undefined> {
  try {
    await node.getHeaders({ fromHeight: 1, toHeight: 1 });
    return undefined;
  } catch (err) {
    const base =
      err instanceof ApiError && err.code === ApiErrorCode.Pruned ? err.meta.baseHeight : undefined;
    if (typeof base === 'number' && base >= 1) return base;
    throw err;
  }
}

/**
 * A verifier positioned at the node's base b: the validator changes up to b are learned from
 * genesis, header b is checked against the set in force, and the log's frontier over blocks 0..b
 * comes from the proof of block b + 1 as the last leaf of the log at b + 2 (the path of a last leaf
 * is the frontier left of it), which header b + 1's log root then checks. Undefined while the node
 * holds fewer than two headers above b.
 */
async function fromBase(
  node: HeaderSource,
  light: LightClient,
  chain: HeaderChainOptions,
  b: number,
): Promise<HeaderChainVerifier | undefined> {
  await light.followTo(node, b);
  const page = await node.getHeaders({ fromHeight: b, toHeight: b });
  const header = page.headers[0];
  if (header === undefined || header.height !== b)
    throw new Error(`the node serves no header at its base ${b}`);
  if (page.tip < b + 2) {
    verifyCertifiedHeader(header, chain.chainId, chain.validators);
    return undefined;
  }
  let path: readonly Uint8Array[];
  try {
    const p = decodeInclusionProof(await node.getBlockHashProof(b + 1, b + 2));
    if (p.leafIndex !== b + 1 || p.treeSize !== b + 2) throw new Error('wrong sizes');
    path = p.path;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw refuse('base frontier', 'WRONG_SIZES', { height: b });
  }
  return HeaderChainVerifier.fromBase(chain, header, [...path].reverse());
}

export async function verifyChain(node: HeaderSource, o: VerifyChainOptions): Promise<VerifyChainResult> {
  const from = o.from ?? 1;
  if (!Number.isSafeInteger(from) || from < 1) throw new Error('--from must be a height of 1 or more');
  if (o.to !== undefined && (!Number.isSafeInteger(o.to) || o.to < from))
    throw new Error('--to must be a height at or above --from');
  const light = new LightClient({ chainId: o.chain.chainId, validators: o.chain.validatorKeys });
  const chain: HeaderChainOptions = { ...o.chain, validators: (h) => light.candidateAt(h) };
  const trust = [
    `validator sets: the genesis set (${o.chain.validatorKeys.length} keys), then each change the headers show, learned from the node's proof of it certified by the set before`,
  ];
  // A header naming a set other than the one known for it: learn the change it starts, if the node
  // can prove it; if not, the header then fails its check (WRONG_VALIDATOR_SET).
  const learn = async (h: CertifiedHeaderBytes): Promise<void> => {
    const named = decodeBlockHeader(h.header).validatorSetHash;
    if (bytesEqual(named, validatorSetHash(light.candidateAt(h.height)))) return;
    try {
      await light.learnChange(node, h.height);
      trust.push(`validator set changed at ${h.height}: proven by header ${h.height - 1}`);
    } catch (err) {
      trust.push(`validator-set change at ${h.height} not proven: ${(err as Error).message}`);
    }
  };
  // A node that joined by state sync holds no header below its base: the walk starts there.
  const base = await stateSyncBase(node);
  let v: HeaderChainVerifier;
  let first = from;
  if (base !== undefined && from <= base + 2) {
    const started = await fromBase(node, light, chain, base);
    trust.push(
      `the node joined by state sync at base ${base} and holds no header below it: header ${base} was checked against the validator set in force there (learned from genesis), the headers below it were not walked`,
    );
    if (started === undefined) {
      trust.push(`the node holds fewer than two headers above its base: nothing above ${base} checked yet`);
      return {
        ok: true,
        chainId: toHex(o.chain.chainId),
        from: base,
        to: base,
        tip: base,
        verified: 1,
        logRoot: '',
        firstBad: null,
        base,
        trust,
      };
    }
    v = started;
    first = base;
  } else if (from === 1) v = new HeaderChainVerifier(chain);
  else {
    // Anchored at the certified header below --from: the changes below it are learned first (the
    // node's schedule says where), and its parent's proof gives the log's frontier.
    const anchor = (await node.getHeaders({ fromHeight: from - 1, toHeight: from - 1 })).headers[0];
    if (anchor === undefined) throw new Error(`the node has no header ${from - 1}`);
    await light.followTo(node, from - 1);
    v = HeaderChainVerifier.anchored(chain, anchor, await node.getBlockHashProof(from - 2, from - 1));
    trust.push(`headers below ${from} not walked: the walk starts from certified header ${from - 1}`);
  }
  let next = v.height + 1;
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
    for (const h of page.headers) {
      await learn(h);
      if (!v.push(h).ok) break;
    }
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
    from: first,
    to: v.height,
    tip,
    verified: v.height - first + 1,
    logRoot: toHex(v.logRoot()),
    firstBad: failure,
    ...(base === undefined ? {} : { base }),
    trust,
  };
}

function human(r: VerifyChainResult): string {
  const lines = [
    r.ok
      ? `chain ${r.chainId.slice(0, 16)}… verified: headers ${r.from}..${r.to} (node tip ${r.tip}${r.base === undefined ? '' : `; state-sync base ${r.base}`})`
      : `chain ${r.chainId.slice(0, 16)}…: BAD at height ${r.firstBad?.height}: ${r.firstBad?.check}: ${r.firstBad?.message}`,
    ...(r.logRoot === '' ? [] : [`block-hash log root after ${r.to}: ${r.logRoot}`]),
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
      'genesis file: chain ID and the first validator set; later sets are followed through proven changes',
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
