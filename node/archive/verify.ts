// `bkdms archive verify`: checks an archive of block-log segments (node/store/archive-format.ts)
// from the genesis file alone. Every segment against its manifest (name, chain, size, SHA-256,
// heights, each block's hash) and every block against the header chain from genesis, through the
// same verifier `bkdms verify-chain` walks a node with (api/header-chain.ts: height, chain ID,
// parent link, time, validator set, quorum certificate, block-hash log root), plus the body
// against its header (txCount and txRoot over the envelopes' tracing codes). Validator sets: a
// light client (api/light-client.ts) starts from the genesis set and learns each change from the
// proof archived with the block that starts it, certified by the set before, as verify-chain does
// from a node. The first failure names its segment and height.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeaderChainVerifier } from '../../api/header-chain.js';
import { LightClient, type ValidatorChangeReader } from '../../api/light-client.js';
import type { StateAnswer } from '../../api/types.js';
import { decodeBlockHeader } from '../../codec/block.js';
import { blockHeaderBytes } from '../../codec/block-view.js';
import { certifiedBlockBlockBytes, decodeCertifiedBlock } from '../../codec/certificate.js';
import { bytesEqual, toHex } from '../../crypto/bytes.js';
import { validatorSetHash } from '../../crypto/certificate.js';
import { sha256, tracingCode } from '../../crypto/hash.js';
import { merkleRoot } from '../../crypto/merkle.js';
import {
  type ArchivedSegment,
  ArchiveError,
  headerHash,
  listArchive,
  manifestFileName,
  parseManifest,
  type SegmentManifest,
  segmentFrames,
} from '../store/index.js';

/** What the verifier trusts: the genesis file's chain ID, validator set and time. */
export interface ArchiveAnchor {
  chainId: Uint8Array;
  validators: readonly Uint8Array[];
  genesisTime?: number;
}

export interface ArchiveFailure {
  /** The segment file the failure is in. */
  segment: string;
  height: number;
  /** GAP, MALFORMED, WRONG_CHAIN, MISMATCH, BODY_MISMATCH, or a header-chain check (PARENT_MISMATCH, NO_QUORUM, …). */
  check: string;
  message: string;
}

export interface ArchiveReport {
  ok: boolean;
  chainId: string;
  segments: number;
  /** Heights 1..top verified (0: none). */
  top: number;
  /** Root of the block-hash log over blocks 0..top: what header top + 1 must carry. */
  logRoot: string;
  validatorChanges: number[];
  failure: ArchiveFailure | null;
}

class Fail extends Error {
  constructor(readonly f: Omit<ArchiveFailure, 'segment'>) {
    super(f.message);
  }
}

/** The encoded certificate of an encoded CertifiedBlock: the bytes after its block. */
export function certificateBytesOf(payload: Uint8Array): Uint8Array {
  const block = certifiedBlockBlockBytes(payload);
  return payload.subarray(block.byteOffset - payload.byteOffset + block.length);
}

/** The archived proofs of a segment's validator-set changes, as a light client reads them from a node. */
function changeReader(m: SegmentManifest): ValidatorChangeReader {
  const unhex = (s: string): Uint8Array => Buffer.from(s, 'hex');
  return {
    getState: () => Promise.reject(new Error('an archive holds no contract state')),
    getValidatorChange: async (activation: number): Promise<StateAnswer> => {
      const c = m.validatorChanges.find((x) => x.activation === activation);
      if (c === undefined)
        throw new Error(`the archive holds no proof of a validator-set change at ${activation}`);
      return {
        entries: [],
        height: activation - 1,
        proof: { header: unhex(c.header), certificate: unhex(c.certificate), buckets: [unhex(c.bucket)] },
      };
    },
  };
}

export async function verifyArchive(
  dir: string,
  anchor: ArchiveAnchor,
  progress?: (line: string) => void,
): Promise<ArchiveReport> {
  const light = new LightClient({ chainId: anchor.chainId, validators: anchor.validators });
  const v = new HeaderChainVerifier({
    chainId: anchor.chainId,
    validators: (h) => light.candidateAt(h),
    ...(anchor.genesisTime === undefined ? {} : { genesisTime: anchor.genesisTime }),
  });
  const segs = listArchive(dir);
  const changes: number[] = [];
  const report = (failure: ArchiveFailure | null): ArchiveReport => ({
    ok: failure === null,
    chainId: toHex(anchor.chainId),
    segments: segs.length,
    top: v.height,
    logRoot: toHex(v.logRoot()),
    validatorChanges: changes,
    failure,
  });
  if (segs.length === 0)
    return report({ segment: '', height: 1, check: 'GAP', message: `${dir} holds no archived segment` });
  for (const seg of segs) {
    try {
      await verifySegment(dir, seg, anchor, light, v, changes);
    } catch (err) {
      if (err instanceof Fail) return report({ segment: seg.file, ...err.f });
      throw err;
    }
    progress?.(`verified ${seg.file} (blocks ${seg.firstHeight}..${seg.lastHeight})`);
  }
  return report(null);
}

async function verifySegment(
  dir: string,
  seg: ArchivedSegment,
  anchor: ArchiveAnchor,
  light: LightClient,
  v: HeaderChainVerifier,
  changes: number[],
): Promise<void> {
  const at = (height: number, check: string, message: string): Fail => new Fail({ height, check, message });
  if (seg.firstHeight !== v.height + 1)
    throw at(v.height + 1, 'GAP', `expected a segment starting at height ${v.height + 1}, found ${seg.file}`);
  let m: SegmentManifest;
  let bytes: Uint8Array;
  try {
    m = parseManifest(
      await readFile(join(dir, manifestFileName(seg.file)), 'utf8'),
      manifestFileName(seg.file),
    );
    bytes = await readFile(join(dir, seg.file));
  } catch (err) {
    if (err instanceof ArchiveError) throw at(seg.firstHeight, 'MALFORMED', err.detail);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw at(seg.firstHeight, 'MALFORMED', (err as Error).message);
    throw err;
  }
  if (m.chainId !== toHex(anchor.chainId))
    throw at(seg.firstHeight, 'WRONG_CHAIN', `the manifest names chain ${m.chainId}, not the genesis file's`);
  const count = seg.lastHeight - seg.firstHeight + 1;
  if (
    m.file !== seg.file ||
    m.firstHeight !== seg.firstHeight ||
    m.lastHeight !== seg.lastHeight ||
    m.blockHashes.length !== count
  )
    throw at(seg.firstHeight, 'MISMATCH', 'the manifest does not describe the heights its name gives');
  let expected = seg.firstHeight;
  try {
    for (const f of segmentFrames(bytes, seg.file)) {
      if (f.height !== expected || f.height > seg.lastHeight)
        throw at(expected, 'MISMATCH', `frame of height ${f.height} where ${expected} was expected`);
      await verifyBlock(f.payload, f.height, m, light, v, changes);
      expected++;
    }
  } catch (err) {
    if (err instanceof ArchiveError) throw at(expected, 'MISMATCH', err.detail);
    throw err;
  }
  if (expected !== seg.lastHeight + 1)
    throw at(expected, 'MISMATCH', `the file ends before height ${seg.lastHeight}, the manifest's last`);
  // Every frame checked out, so a differing size or hash is a manifest that lies about the file.
  if (bytes.length !== m.bytes || toHex(sha256(bytes)) !== m.sha256)
    throw at(seg.firstHeight, 'MISMATCH', "the file's size or SHA-256 differs from its manifest");
}

async function verifyBlock(
  payload: Uint8Array,
  height: number,
  m: SegmentManifest,
  light: LightClient,
  v: HeaderChainVerifier,
  changes: number[],
): Promise<void> {
  const fail = (check: string, message: string): Fail => new Fail({ height, check, message });
  let header: Uint8Array;
  let envelopes: readonly Uint8Array[];
  try {
    header = blockHeaderBytes(certifiedBlockBlockBytes(payload));
    envelopes = decodeCertifiedBlock(payload).block.envelopes;
  } catch (err) {
    throw fail('MALFORMED', `the block does not decode: ${(err as Error).message}`);
  }
  if (toHex(headerHash(header)) !== m.blockHashes[height - m.firstHeight])
    throw fail('MISMATCH', "the block's hash differs from the one its manifest lists");
  const named = decodeBlockHeader(header).validatorSetHash;
  if (!bytesEqual(named, validatorSetHash(light.candidateAt(height)))) {
    try {
      await light.learnChange(changeReader(m), height);
      changes.push(height);
    } catch (err) {
      throw fail(
        'VALIDATOR_CHANGE',
        `validator-set change at ${height} not proven: ${(err as Error).message}`,
      );
    }
  }
  const verdict = v.push({ height, header, certificate: certificateBytesOf(payload) });
  if (!verdict.ok) throw fail(verdict.failure.check, verdict.failure.message);
  const h = verdict.verified.header;
  if (h.txCount !== envelopes.length || !bytesEqual(merkleRoot(envelopes.map(tracingCode)), h.txRoot))
    throw fail('BODY_MISMATCH', "the block's envelopes do not hash to its header's txRoot");
}
