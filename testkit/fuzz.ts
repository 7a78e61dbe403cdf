// Codec fuzzer: random and mutated inputs against every decoder and lazy reader. Only
// CodecError may escape; every accepted input must re-encode to the same bytes (canonical), and
// lazy readers must agree with the full decode. `npm run fuzz -- --count N [--seed S]
// [--target a,b]` runs it standalone (bench/fuzz-main.ts); test/fuzz/*.test.ts run a fixed-seed
// CI slice.
import fc from 'fast-check';
import { decodeBlock, decodeBlockHeader, encodeBlock, encodeBlockHeader } from '../codec/block.js';
import {
  blockEnvelopeLocation,
  blockEnvelopeLocations,
  blockHeaderBytes,
  blockHeight,
  blockParentHash,
  blockTxCount,
  type EnvelopeLocation,
} from '../codec/block-view.js';
import { SIGNATURE_BYTES } from '../codec/caps.js';
import {
  certifiedBlockBlockBytes,
  decodeCertifiedBlock,
  decodeCommitCertificate,
  encodeCertifiedBlock,
  encodeCommitCertificate,
} from '../codec/certificate.js';
import { decodeConsensusMessage, encodeConsensusMessage } from '../codec/consensus-messages.js';
import {
  decodeConsensusState,
  decodeConsensusStateRecord,
  decodeEvidence,
  encodeConsensusState,
  encodeConsensusStateRecord,
  encodeEvidence,
} from '../codec/consensus-state.js';
import { contractCallSize, readContractCall, writeContractCall } from '../codec/contract-call.js';
import { decodeEnvelope, encodeEnvelope, envelopeAad } from '../codec/envelope.js';
import {
  envelopeAadView,
  envelopeChainId,
  envelopeKind,
  envelopePacket,
  envelopeRouting,
  envelopeSeq,
  envelopeSignature,
  envelopeSignedRegion,
  envelopeSignerKeyId,
  envelopeTime,
} from '../codec/envelope-view.js';
import { CodecError } from '../codec/errors.js';
import { decodeExtension, encodeExtension } from '../codec/extension.js';
import {
  decodeKpiRecord,
  encodeKpiRecord,
  kpiRecordCountry,
  kpiRecordSiteId,
  kpiRecordTime,
} from '../codec/kpi-record.js';
import { Reader } from '../codec/reader.js';
import { decodeSealedPacket, encodeSealedPacket } from '../codec/sealed-packet.js';
import { decodeStateProof, encodeStateProof } from '../codec/state-proof.js';
import { decodeStorageRecord, encodeStorageRecord } from '../codec/storage-record.js';
import { type ConsensusMessage, type ContractCall, EnvelopeKind } from '../codec/types.js';
import { Writer } from '../codec/writer.js';
import * as arb from './codec-arbitraries.js';
import { consensusMessages, consensusState, evidenceRecord } from './consensus-arbitraries.js';

/** One decoder under fuzz. */
export interface Target {
  name: string;
  /** Valid encodings to mutate. */
  seeds: (seed: number) => Uint8Array[];
  /** Runs one input: true if the decoder accepted it; throws anything but CodecError on a bug. */
  check: (b: Uint8Array) => boolean;
}

class Mismatch extends Error {}
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const equal = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
/** Comparable text of a decoded value, byte fields as hex (JSON would spell them out index by index). */
const show = (v: unknown) => JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? hex(x) : x));

/** Runs f; a CodecError is a rejection (undefined), anything else propagates. */
function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    return undefined;
  }
}

/**
 * A lazy reader checks only what it reads, so on an input the full decode refused (want
 * undefined) it may refuse or answer. On an input the decode accepted it must answer, and the same.
 */
function agree<T>(what: string, read: () => T, want: T | undefined): void {
  if (want === undefined) attempt(read);
  else if (show(read()) !== show(want)) throw new Mismatch(`${what}: lazy reader disagrees with decode`);
}

function target<T>(
  name: string,
  values: fc.Arbitrary<T>,
  encode: (x: T) => Uint8Array,
  decode: (b: Uint8Array) => T,
  lazy?: (b: Uint8Array, decoded: T | undefined) => void,
): Target {
  return {
    name,
    seeds: (seed) => fc.sample(values, { seed, numRuns: 40 }).map(encode),
    check: (b) => {
      const d = attempt(() => decode(b));
      // Outside attempt(): an accepted value the encoder refuses is a bug, not a rejection.
      if (d !== undefined && !equal(encode(d), b))
        throw new Mismatch('accepted input re-encodes differently');
      lazy?.(b, d);
      return d !== undefined;
    },
  };
}

// The contract-call body has no decode of its own (an envelope carries it): framed here as a
// whole input, so it is fuzzed apart from the envelope header around it.
function encodeContractCall(c: ContractCall): Uint8Array {
  const w = new Writer(contractCallSize(c));
  writeContractCall(w, c);
  return w.finish();
}
function decodeContractCall(b: Uint8Array): ContractCall {
  const r = new Reader(b);
  const c = readContractCall(r);
  r.end('call');
  return c;
}

const slice = (b: Uint8Array, l: EnvelopeLocation) => b.subarray(l.offset, l.offset + l.length);

export const targets: Target[] = [
  target('kpiRecord', arb.kpiRecord, encodeKpiRecord, decodeKpiRecord, (b, d) => {
    agree('kpiRecordCountry', () => kpiRecordCountry(b), d?.country);
    agree('kpiRecordTime', () => kpiRecordTime(b), d?.time);
    agree('kpiRecordSiteId', () => kpiRecordSiteId(b), d?.siteId);
  }),
  target('extension', arb.extension.map(decodeExtension), encodeExtension, decodeExtension),
  target('sealedPacket', arb.sealedPacket, encodeSealedPacket, decodeSealedPacket),
  target('envelope', arb.envelope, encodeEnvelope, decodeEnvelope, (b, d) => {
    agree('envelopeKind', () => envelopeKind(b), d?.kind);
    agree('envelopeChainId', () => envelopeChainId(b), d?.chainId);
    agree('envelopeSignerKeyId', () => envelopeSignerKeyId(b), d?.signerKeyId);
    agree('envelopeSeq', () => envelopeSeq(b), d?.seq);
    agree('envelopeTime', () => envelopeTime(b), d?.time);
    agree('envelopeSignature', () => envelopeSignature(b), d?.signature);
    agree(
      'envelopeSignedRegion',
      () => envelopeSignedRegion(b),
      d && b.subarray(0, b.length - SIGNATURE_BYTES),
    );
    // Upload-only readers refuse a contract call: only an accepted upload is compared.
    const up = d?.kind === EnvelopeKind.KpiUpload ? d : undefined;
    agree('envelopeRouting', () => envelopeRouting(b), up?.routing);
    agree('envelopeAadView', () => envelopeAadView(b), up && envelopeAad(up));
    agree('envelopePacket', () => envelopePacket(b), up?.packet);
  }),
  target('contractCall', arb.contractCall, encodeContractCall, decodeContractCall),
  target('blockHeader', arb.blockHeader(3), encodeBlockHeader, decodeBlockHeader),
  target('block', arb.block, encodeBlock, decodeBlock, (b, d) => {
    agree('blockHeight', () => blockHeight(b), d?.header.height);
    agree('blockParentHash', () => blockParentHash(b), d?.header.parentHash);
    agree('blockTxCount', () => blockTxCount(b), d?.header.txCount);
    agree('blockHeaderBytes', () => blockHeaderBytes(b), d && encodeBlockHeader(d.header));
    agree('blockEnvelopeLocations', () => blockEnvelopeLocations(b).map((l) => slice(b, l)), d?.envelopes);
    // The last envelope: reaching it walks every length prefix (an empty block refuses any index).
    const last = d ? d.envelopes.length - 1 : 0;
    agree('blockEnvelopeLocation', () => slice(b, blockEnvelopeLocation(b, last)), d?.envelopes[last]);
  }),
  target('commitCertificate', arb.commitCertificate(9), encodeCommitCertificate, decodeCommitCertificate),
  target('certifiedBlock', arb.certifiedBlock, encodeCertifiedBlock, decodeCertifiedBlock, (b, d) => {
    agree('certifiedBlockBlockBytes', () => certifiedBlockBlockBytes(b), d && encodeBlock(d.block));
  }),
  target('storageRecord', arb.storageRecord, encodeStorageRecord, decodeStorageRecord),
  target('stateProof', arb.stateProof, encodeStateProof, decodeStateProof),
  target('consensusState', consensusState, encodeConsensusState, decodeConsensusState),
  // Framed: most mutations fail the CRC, so this target is about the frame, the one above the payload.
  target('consensusStateRecord', consensusState, encodeConsensusStateRecord, decodeConsensusStateRecord),
  target('evidence', evidenceRecord, encodeEvidence, decodeEvidence),
  // One decoder, one target per message type: each type's body parser gets its own inputs.
  ...Object.entries(consensusMessages).map(([name, a]) =>
    target<ConsensusMessage>(`consensus.${name}`, a, encodeConsensusMessage, decodeConsensusMessage),
  ),
];

/** xorshift32: a fixed seed replays the same inputs. */
function prng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** FNV-1a of a target's name: each target gets its own stream, so `--target` alone replays it. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * One input: random bytes behind a random-length prefix of a valid encoding (1 in 8; a bare
 * random buffer seldom passes the version and type bytes), else 1-3 edits of a valid encoding.
 */
function nextInput(rnd: (n: number) => number, seeds: Uint8Array[]): Uint8Array {
  const seed = seeds[rnd(seeds.length)]!;
  if (rnd(8) === 0) {
    const keep = rnd(4) === 0 ? 0 : rnd(Math.min(seed.length, 256) + 1);
    const b = new Uint8Array(keep + rnd(400));
    b.set(seed.subarray(0, keep));
    for (let i = keep; i < b.length; i++) b[i] = rnd(256);
    return b;
  }
  let b: Uint8Array = Uint8Array.from(seed);
  const edits = 1 + rnd(3);
  for (let e = 0; e < edits && b.length > 0; e++) {
    const at = rnd(b.length);
    switch (rnd(8)) {
      case 0:
        b[at]! ^= 1 << rnd(8);
        break;
      case 1:
        b[at] = INTERESTING[rnd(INTERESTING.length)]!;
        break;
      case 2:
        b[at] = rnd(256);
        break;
      case 3:
        b = b.subarray(0, at);
        break;
      case 4: {
        const tail = new Uint8Array(1 + rnd(8));
        for (let i = 0; i < tail.length; i++) tail[i] = rnd(256);
        b = concat(b, tail);
        break;
      }
      case 5:
        b = concat(b.subarray(0, at), b.subarray(at + 1 + rnd(4)));
        break;
      case 6: {
        // A small count or length over a 2- or 4-byte field: in range often enough to parse on.
        const width = rnd(2) === 0 ? 2 : 4;
        const v = rnd(4) === 0 ? b.length - at : rnd(8);
        for (let i = width - 1, x = v; i >= 0; i--, x >>>= 8) if (at + i < b.length) b[at + i] = x & 0xff;
        break;
      }
      default: {
        // A repeated slice: one more list item, or a frame holding more than it says.
        const piece = b.subarray(at, at + 1 + rnd(80));
        b = concat(concat(b.subarray(0, at + piece.length), piece), b.subarray(at + piece.length));
      }
    }
  }
  return b;
}

export interface FuzzFailure {
  target: string;
  input: string;
  error: string;
}

export interface FuzzStats {
  inputs: number;
  perTarget: Record<string, { inputs: number; accepted: number }>;
  failures: FuzzFailure[];
}

/** Runs `perTarget` inputs against each target, or only those named. */
export function runCodecFuzz(perTarget: number, seed = 1, names?: readonly string[]): FuzzStats {
  const chosen = names === undefined ? targets : names.map(byName);
  const stats: FuzzStats = { inputs: 0, perTarget: {}, failures: [] };
  for (const t of chosen) {
    const rnd = prng(seed ^ nameHash(t.name));
    const seeds = t.seeds(seed);
    const s = { inputs: 0, accepted: 0 };
    stats.perTarget[t.name] = s;
    for (let i = 0; i < perTarget; i++) {
      const input = nextInput(rnd, seeds);
      s.inputs++;
      try {
        if (t.check(input)) s.accepted++;
      } catch (e) {
        if (stats.failures.length < 20)
          stats.failures.push({ target: t.name, input: hex(input), error: String(e) });
      }
    }
    stats.inputs += s.inputs;
  }
  return stats;
}

function byName(name: string): Target {
  const t = targets.find((x) => x.name === name);
  if (t === undefined)
    throw new Error(`no fuzz target ${name}; targets: ${targets.map((x) => x.name).join(', ')}`);
  return t;
}
