// Codec fuzzer: random and mutated inputs against every decoder and lazy reader. Only
// CodecError may escape; every accepted input must re-encode to the same bytes (canonical), and
// lazy readers must agree with the full decode. `npm run fuzz -- --count N [--seed S]` runs it
// standalone; test/fuzz/codec-fuzz.test.ts runs a fixed-seed CI slice.
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { decodeBlock, decodeBlockHeader, encodeBlock, encodeBlockHeader } from '../codec/block.js';
import { blockEnvelopeLocations, blockHeight, blockTxCount } from '../codec/block-view.js';
import {
  decodeCertifiedBlock,
  decodeCommitCertificate,
  encodeCertifiedBlock,
  encodeCommitCertificate,
} from '../codec/certificate.js';
import { decodeEnvelope, encodeEnvelope } from '../codec/envelope.js';
import {
  envelopeAadView,
  envelopeRouting,
  envelopeSeq,
  envelopeSignerKeyId,
} from '../codec/envelope-view.js';
import { CodecError } from '../codec/errors.js';
import { decodeExtension, encodeExtension } from '../codec/extension.js';
import { decodeKpiRecord, encodeKpiRecord, kpiRecordCountry, kpiRecordTime } from '../codec/kpi-record.js';
import { decodeSealedPacket, encodeSealedPacket } from '../codec/sealed-packet.js';
import { decodeStorageRecord, encodeStorageRecord } from '../codec/storage-record.js';
import { EnvelopeKind } from '../codec/types.js';
import * as arb from './codec-arbitraries.js';

interface Target {
  name: string;
  /** Valid encodings to mutate. */
  seeds: (seed: number) => Uint8Array[];
  /** Full decode then re-encode; throws CodecError on rejection. */
  roundTrip: (b: Uint8Array) => Uint8Array;
  /** Lazy readers; each must throw only CodecError, and agree with the decode when it succeeded. */
  lazy?: (b: Uint8Array, decoded: boolean) => void;
}

const sample = <T>(a: fc.Arbitrary<T>, enc: (x: T) => Uint8Array, seed: number) =>
  fc.sample(a, { seed, numRuns: 40 }).map(enc);

class Mismatch extends Error {}
function same(a: unknown, b: unknown, what: string): void {
  if (JSON.stringify(a) !== JSON.stringify(b))
    throw new Mismatch(`${what}: lazy reader disagrees with decode`);
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Runs f; a CodecError counts as a rejection, anything else propagates. */
function tolerate(f: () => void): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
  }
}

export const targets: Target[] = [
  {
    name: 'kpiRecord',
    seeds: (s) => sample(arb.kpiRecord, encodeKpiRecord, s),
    roundTrip: (b) => encodeKpiRecord(decodeKpiRecord(b)),
    lazy: (b, ok) => {
      tolerate(() => kpiRecordCountry(b));
      tolerate(() => {
        const t = kpiRecordTime(b);
        if (ok) same(t, decodeKpiRecord(b).time, 'kpiRecordTime');
      });
    },
  },
  {
    name: 'extension',
    seeds: (s) => sample(arb.extension, (x) => x, s),
    roundTrip: (b) => encodeExtension(decodeExtension(b)),
  },
  {
    name: 'sealedPacket',
    seeds: (s) => sample(arb.sealedPacket, encodeSealedPacket, s),
    roundTrip: (b) => encodeSealedPacket(decodeSealedPacket(b)),
  },
  {
    name: 'envelope',
    seeds: (s) => sample(arb.envelope, encodeEnvelope, s),
    roundTrip: (b) => encodeEnvelope(decodeEnvelope(b)),
    lazy: (b, ok) => {
      tolerate(() => {
        const seq = envelopeSeq(b);
        const key = hex(envelopeSignerKeyId(b));
        if (ok) {
          const d = decodeEnvelope(b);
          same([seq, key], [d.seq, hex(d.signerKeyId)], 'envelope header');
        }
      });
      tolerate(() => {
        const routing = envelopeRouting(b);
        const aad = envelopeAadView(b);
        const d = ok ? decodeEnvelope(b) : undefined;
        if (d?.kind === EnvelopeKind.KpiUpload) {
          same(routing.kpiCodes, d.routing.kpiCodes, 'envelopeRouting');
          same(aad.length < b.length, true, 'envelopeAadView');
        }
      });
    },
  },
  {
    name: 'blockHeader',
    seeds: (s) => sample(arb.blockHeader(3), encodeBlockHeader, s),
    roundTrip: (b) => encodeBlockHeader(decodeBlockHeader(b)),
  },
  {
    name: 'block',
    seeds: (s) => sample(arb.block, encodeBlock, s),
    roundTrip: (b) => encodeBlock(decodeBlock(b)),
    lazy: (b, ok) => {
      tolerate(() => blockHeight(b));
      tolerate(() => {
        const locs = blockEnvelopeLocations(b);
        if (ok) {
          same(locs.length, blockTxCount(b), 'blockEnvelopeLocations');
          same(
            locs.map((l) => l.length),
            decodeBlock(b).envelopes.map((e) => e.length),
            'blockEnvelopeLocations',
          );
        }
      });
    },
  },
  {
    name: 'commitCertificate',
    seeds: (s) => sample(arb.commitCertificate(9), encodeCommitCertificate, s),
    roundTrip: (b) => encodeCommitCertificate(decodeCommitCertificate(b)),
  },
  {
    name: 'certifiedBlock',
    seeds: (s) => sample(arb.certifiedBlock, encodeCertifiedBlock, s),
    roundTrip: (b) => encodeCertifiedBlock(decodeCertifiedBlock(b)),
  },
  {
    name: 'storageRecord',
    seeds: (s) => sample(arb.storageRecord, encodeStorageRecord, s),
    roundTrip: (b) => encodeStorageRecord(decodeStorageRecord(b)),
  },
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

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

/** One random input: fresh random bytes (1 in 8) or a mutation of a valid encoding. */
function nextInput(rnd: (n: number) => number, seeds: Uint8Array[]): Uint8Array {
  if (rnd(8) === 0) {
    const b = new Uint8Array(rnd(400));
    for (let i = 0; i < b.length; i++) b[i] = rnd(256);
    if (b.length > 0) b[0] = rnd(4) === 0 ? rnd(256) : 1; // mostly past the version check
    return b;
  }
  let b = Uint8Array.from(seeds[rnd(seeds.length)]!);
  const edits = 1 + rnd(3);
  for (let e = 0; e < edits && b.length > 0; e++) {
    const at = rnd(b.length);
    switch (rnd(6)) {
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
        const ext = new Uint8Array(b.length + 1 + rnd(8));
        ext.set(b);
        for (let i = b.length; i < ext.length; i++) ext[i] = rnd(256);
        b = ext;
        break;
      }
      default:
        b = Uint8Array.of(...b.subarray(0, at), ...b.subarray(at + 1 + rnd(4)));
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

/** Runs `count` inputs spread evenly over the decoders. */
export function runCodecFuzz(count: number, seed = 1): FuzzStats {
  const rnd = prng(seed);
  const stats: FuzzStats = { inputs: 0, perTarget: {}, failures: [] };
  const per = Math.ceil(count / targets.length);
  for (const t of targets) {
    const seeds = t.seeds(seed);
    const s = { inputs: 0, accepted: 0 };
    stats.perTarget[t.name] = s;
    for (let i = 0; i < per; i++) {
      const input = nextInput(rnd, seeds);
      s.inputs++;
      try {
        let ok = false;
        try {
          const again = t.roundTrip(input);
          if (hex(again) !== hex(input)) throw new Mismatch('accepted input re-encodes differently');
          ok = true;
          s.accepted++;
        } catch (e) {
          if (!(e instanceof CodecError)) throw e;
        }
        t.lazy?.(input, ok);
      } catch (e) {
        if (stats.failures.length < 20)
          stats.failures.push({ target: t.name, input: hex(input), error: String(e) });
      }
    }
    stats.inputs += s.inputs;
  }
  return stats;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${name} needs a non-negative integer`);
  return v;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = arg('--count', 1_000_000);
  const seed = arg('--seed', Date.now() % 0x7fff_ffff);
  const started = process.hrtime.bigint();
  const stats = runCodecFuzz(count, seed);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`codec fuzz: ${stats.inputs} inputs, seed ${seed}, ${seconds.toFixed(1)} s\n`);
  for (const [name, s] of Object.entries(stats.perTarget))
    process.stdout.write(`  ${name.padEnd(18)} ${s.inputs} inputs, ${s.accepted} accepted\n`);
  for (const f of stats.failures)
    process.stdout.write(`  FAIL ${f.target}: ${f.error}\n    input ${f.input}\n`);
  process.exitCode = stats.failures.length === 0 ? 0 : 1;
}
