// Trace (Y.4907 traceable retrieval): the chain of evidence of one stored value — value -> record
// -> site -> envelope -> block -> Merkle proof -> commit certificate — gathered from the platform
// database and one node's trace bundle, then verified offline against the validator set the
// platform tracks itself (crypto/verifyTraceBundle, through api/verify's verifyTrace). The node is trusted for nothing: a bundle
// that does not verify, or that proves another envelope than the stored record names, fails.
import type { TraceBundleBytes } from '../api/types.js';
import { type VerifiedTrace, verifyTrace } from '../api/verify.js';
import { decodeCommitCertificate } from '../codec/certificate.js';
import { decodeEnvelope, envelopePacket } from '../codec/index.js';
import { decodeStorageRecord } from '../codec/storage-record.js';
import type { StorageRecord } from '../codec/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { commitQuorum } from '../crypto/certificate.js';
import { describeEntry } from '../kpi/entry-check.js';
import { formatSiteId } from '../kpi/site-id.js';
import type { ChainSource } from './chain-source.js';
import type { ChainState } from './chain-state.js';
import { PlatformError, PlatformErrorCode } from './errors.js';
import { hex, unhex } from './hex.js';
import type { PacketOutcome, StoredPacket } from './outcome.js';
import { checkCodeMatches } from './storage-record.js';
import type { PlatformStore } from './store.js';

export interface TraceEvidence {
  tracingCode: string;
  /** Decrypted values, described with the catalogue ("EN: ... = 12 µg/m³"); empty when the packet failed. */
  values: string[];
  outcome: PacketOutcome;
  site: { keyId: string; publicKey: string; siteId: string; country: number; city: string };
  envelope: { seq: number; time: number; bytes: number };
  storage: Omit<StorageRecord, 'cityData' | 'tracingCode' | 'checkCode'> & {
    checkCode: string;
    checkCodeOk: boolean;
  };
  block: {
    height: number;
    hash: string;
    time: number;
    view: number;
    proposer: number;
    txRoot: string;
    txCount: number;
  };
  proof: { leafIndex: number; path: string[] };
  certificate: { view: number; signers: number[]; quorum: number; validators: number };
  /** True when every link verified; otherwise `failure` says which did not. */
  verified: boolean;
  failure?: string;
}

function bundleProblem(
  p: StoredPacket,
  record: StorageRecord | undefined,
  b: TraceBundleBytes,
): string | undefined {
  if (!record) return 'STORAGE_RECORD_UNDECODABLE';
  if (!checkCodeMatches(p.storage)) return 'CHECK_CODE_MISMATCH';
  if (hex(record.tracingCode) !== p.meta.tracingCode) return 'TRACING_CODE_MISMATCH';
  if (!bytesEqual(envelopePacket(b.envelope), record.cityData)) return 'CITY_DATA_MISMATCH';
  if (b.height !== record.data.height || b.leafIndex !== record.data.index) return 'DATA_RECORDER_MISMATCH';
  return undefined;
}

function tryDecodeRecord(storage: Uint8Array): StorageRecord | undefined {
  try {
    return decodeStorageRecord(storage);
  } catch {
    return undefined;
  }
}

/** Gathers and verifies the evidence of the stored packet with this tracing code (hex). */
export async function trace(
  tracingCodeHex: string,
  deps: { store: PlatformStore; chain: ChainSource; ledger: ChainState },
): Promise<TraceEvidence> {
  const tc = unhex(tracingCodeHex, 32, 'tracing code');
  const p = await deps.store.packet(hex(tc));
  if (!p)
    throw new PlatformError(PlatformErrorCode.NotFound, `no stored record with tracing code ${hex(tc)}`);
  let bundle: TraceBundleBytes;
  let check: VerifiedTrace;
  try {
    bundle = await deps.chain.trace(tc);
    // verifyTrace runs crypto/verifyTraceBundle against our own validator set, offline.
    check = verifyTrace(bundle, tc, {
      chainId: deps.ledger.chainId,
      validators: (h) => deps.ledger.validatorsAt(h),
    });
  } catch (err) {
    throw new PlatformError(PlatformErrorCode.Chain, `trace from node refused: ${(err as Error).message}`);
  }
  const validators = deps.ledger.validatorsAt(bundle.height);
  const record = tryDecodeRecord(p.storage);
  const failure = bundleProblem(p, record, bundle);
  const env = decodeEnvelope(bundle.envelope);
  const cert = decodeCommitCertificate(bundle.certificate);
  const site = deps.ledger.site(p.meta.siteKeyId);
  const { header } = check;
  return {
    tracingCode: hex(tc),
    values: p.outcome.ok ? p.outcome.record.entries.map(describeEntry) : [],
    outcome: p.outcome,
    site: {
      keyId: p.meta.siteKeyId,
      publicKey: p.outcome.ok ? p.outcome.sitePublicKey : (site?.publicKey ?? ''),
      siteId: formatSiteId(unhex(p.meta.siteId)),
      country: p.meta.country,
      city: p.meta.city.code,
    },
    envelope: { seq: env.seq, time: env.time, bytes: bundle.envelope.length },
    storage: {
      data: record?.data ?? { height: 0, index: 0, offset: 0, length: 0 },
      block: record?.block ?? { segment: 0, offset: 0, length: 0 },
      chainUrl: record?.chainUrl ?? '',
      checkCode: record ? hex(record.checkCode) : '',
      checkCodeOk: checkCodeMatches(p.storage),
    },
    block: {
      height: header.height,
      hash: hex(check.blockHash),
      time: header.time,
      view: header.view,
      proposer: header.proposer,
      txRoot: hex(header.txRoot),
      txCount: header.txCount,
    },
    proof: { leafIndex: bundle.leafIndex, path: bundle.proof.map(hex) },
    certificate: {
      view: cert.view,
      signers: cert.signatures.map((s) => s.validator),
      quorum: commitQuorum(validators.length),
      validators: validators.length,
    },
    verified: failure === undefined,
    ...(failure === undefined ? {} : { failure }),
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The evidence as the readable text `bkdms platform trace` prints. */
export function formatTrace(e: TraceEvidence): string {
  const out = [`trace ${e.tracingCode}: ${e.verified ? 'VERIFIED' : `NOT VERIFIED (${e.failure})`}`];
  out.push('  value');
  if (e.outcome.ok) for (const v of e.values) out.push(`    ${v}`);
  else out.push(`    (not usable: ${e.outcome.reason} ${e.outcome.detail})`);
  if (e.outcome.ok)
    out.push(
      '  record',
      `    collected ${iso(e.outcome.record.time)}, sealed ${e.outcome.seal}, digest signature valid`,
    );
  out.push(
    '  site',
    `    ${e.site.siteId} in ${e.site.city} (${e.site.country}), key ID ${e.site.keyId}`,
    '  envelope',
    `    seq ${e.envelope.seq}, made ${iso(e.envelope.time)}, ${e.envelope.bytes} bytes`,
    '  storage record (Table 10-3)',
    `    data ${e.storage.data.height}/${e.storage.data.index} @${e.storage.data.offset}+${e.storage.data.length}, block @${e.storage.block.offset}+${e.storage.block.length}, ${e.storage.chainUrl}`,
    `    check code ${e.storage.checkCode} ${e.storage.checkCodeOk ? 'ok' : 'MISMATCH'}`,
    '  block',
    `    height ${e.block.height}, hash ${e.block.hash}, committed ${iso(e.block.time)}, view ${e.block.view}, proposer ${e.block.proposer}`,
    '  proof',
    `    leaf ${e.proof.leafIndex} of ${e.block.txCount}, ${e.proof.path.length} hashes to txRoot ${e.block.txRoot}`,
    '  certificate',
    `    view ${e.certificate.view}, signed by validators [${e.certificate.signers.join(', ')}] (quorum ${e.certificate.quorum} of ${e.certificate.validators})`,
  );
  return out.join('\n');
}
