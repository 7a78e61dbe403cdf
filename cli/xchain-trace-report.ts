// What `bkdms trace --client` and `bkdms verify` say about a cross-chain trace bundle: checked once,
// B's side against B's trust anchor and A's side against A's, and the report holds only what that
// check proved; without both anchors, or when a check fails, it says NOT VERIFIED and why.
import { ApiError } from '../api/errors.js';
import { validatorsAt } from '../api/verify.js';
import type { XchainTraceBundle } from '../api/xchain-trace-file.js';
import { verifyXchainTrace } from '../api/xchain-trace-verify.js';
import { decodeCommitCertificate } from '../codec/certificate.js';
import { toHex } from '../crypto/bytes.js';
import { commitQuorum } from '../crypto/certificate.js';
import type { NamedAnchor } from './trust-anchor.js';

export type XchainTraceReport =
  | {
      verified: true;
      trustAnchors: { local: string; remote: string };
      clientId: number;
      /** Chain A: the envelope and its block, proven against the consensus state below. */
      remote: {
        chainId: string;
        tracingCode: string;
        height: number;
        blockHash: string;
        blockTime: string;
        leafIndex: number;
        txCount: number;
        merklePath: string[];
        /** Hashes proving the block in the anchor's block-hash log (0: the anchor block itself). */
        logPathLength: number;
      };
      /** The consensus state of A that B's light client stored, proven by B's header `provenAt + 1`. */
      anchor: {
        height: number;
        blockHash: string;
        blockTime: string;
        hashLogRoot: string;
        validatorSetHash: string;
        provenAt: number;
      };
      /** Chain B: the recordRemoteFact call, its block and certificate, and the fact it recorded. */
      local: {
        chainId: string;
        callTracingCode: string;
        height: number;
        blockHash: string;
        blockTime: string;
        leafIndex: number;
        txCount: number;
        certificate: { view: number; signatures: number; validators: number; quorum: number };
        factProvenAt: number;
      };
    }
  | { verified: false; tracingCode: string; reason: string; message: string };

export const NO_REMOTE_ANCHOR_MESSAGE =
  "no trust anchor for chain A: give --remote-genesis <file> or --remote-anchor <file> (A's chain ID)";

const iso = (ms: number): string => {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
};

/** Checks `b` (for A's envelope `expected`, hex; '' for the one it holds); never throws on a bad bundle. */
export function checkXchainBundle(
  b: XchainTraceBundle,
  expected: Uint8Array | undefined,
  local: NamedAnchor | undefined,
  remote: NamedAnchor | undefined,
): XchainTraceReport {
  const tracingCode = expected === undefined ? '' : toHex(expected);
  if (local === undefined)
    return {
      verified: false,
      tracingCode,
      reason: 'NO_TRUST_ANCHOR',
      message: 'no trust anchor for chain B: give --genesis <file> or --anchor <file>',
    };
  if (remote === undefined)
    return {
      verified: false,
      tracingCode,
      reason: 'NO_REMOTE_TRUST_ANCHOR',
      message: NO_REMOTE_ANCHOR_MESSAGE,
    };
  let v: ReturnType<typeof verifyXchainTrace>;
  try {
    v = verifyXchainTrace(b, expected, local, remote.chainId);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { verified: false, tracingCode, reason: String(err.meta.check ?? err.code), message: err.message };
  }
  const cert = decodeCommitCertificate(b.call.certificate);
  const n = validatorsAt(local.validators, v.call.header.height).length;
  const cons = v.consensus.value;
  return {
    verified: true,
    trustAnchors: { local: local.source, remote: remote.source },
    clientId: v.clientId,
    remote: {
      chainId: toHex(v.remote.header.chainId),
      tracingCode: toHex(v.remote.tracingCode),
      height: v.remote.header.height,
      blockHash: v.remote.blockHash,
      blockTime: iso(v.remote.header.time),
      leafIndex: v.remote.leafIndex,
      txCount: v.remote.header.txCount,
      merklePath: v.remote.txPath.map(toHex),
      logPathLength: v.remote.logPathLength,
    },
    anchor: {
      height: cons.height,
      blockHash: cons.blockHash,
      blockTime: iso(cons.time),
      hashLogRoot: cons.hashLogRoot,
      validatorSetHash: cons.validatorSetHash,
      provenAt: v.consensus.header.height - 1,
    },
    local: {
      chainId: toHex(v.call.header.chainId),
      callTracingCode: toHex(v.call.tracingCode),
      height: v.call.header.height,
      blockHash: toHex(v.call.blockHash),
      blockTime: iso(v.call.header.time),
      leafIndex: b.call.leafIndex,
      txCount: v.call.header.txCount,
      certificate: {
        view: cert.view,
        signatures: cert.signatures.length,
        validators: n,
        quorum: commitQuorum(n),
      },
      factProvenAt: v.fact.header.height - 1,
    },
  };
}

/** The human-readable form: chain A's evidence, the anchor B stored, chain B's evidence. */
export function formatXchainReport(r: XchainTraceReport): string {
  if (!r.verified) return `NOT VERIFIED: ${r.message}\ntracing code: ${r.tracingCode}\nreason: ${r.reason}\n`;
  const { remote: a, anchor: s, local: b } = r;
  const c = b.certificate;
  return [
    `verified: true (chain B: ${r.trustAnchors.local}; chain A: ${r.trustAnchors.remote})`,
    `chain A ${a.chainId}`,
    `  envelope ${a.tracingCode} is leaf ${a.leafIndex} of ${a.txCount} in block ${a.height}`,
    `  block hash ${a.blockHash}, time ${a.blockTime}`,
    `  merkle path: ${a.merklePath.length === 0 ? '(none: the only leaf)' : a.merklePath.join(' ')}`,
    a.logPathLength === 0
      ? `  the block is the anchor block ${s.height} itself`
      : `  the block is in the block-hash log of anchor block ${s.height} (${a.logPathLength} hashes)`,
    `anchor: A's consensus state at height ${s.height} held by B's light client ${r.clientId}`,
    `  block hash ${s.blockHash}, time ${s.blockTime}, log root ${s.hashLogRoot}`,
    `  certified by A's set ${s.validatorSetHash}; proven in B's state after height ${s.provenAt}`,
    `chain B ${b.chainId}`,
    `  recordRemoteFact ${b.callTracingCode} is leaf ${b.leafIndex} of ${b.txCount} in block ${b.height}`,
    `  block hash ${b.blockHash}, time ${b.blockTime}`,
    `  certified in view ${c.view} by ${c.signatures} of ${c.validators} validators (quorum ${c.quorum})`,
    `  the fact record is proven in B's state after height ${b.factProvenAt}`,
    '',
  ].join('\n');
}
