// What `bkdms trace` and `bkdms verify` say about one proof bundle. A bundle is checked once, against
// the caller's trust anchor, and the report holds only what that check proved; without an anchor,
// or when a check fails, it says NOT VERIFIED and why, and nothing the bundle merely claims.
import { ApiError } from '../api/errors.js';
import type { TraceBundleBytes } from '../api/types.js';
import { verifyTrace } from '../api/verify.js';
import { decodeCommitCertificate } from '../codec/certificate.js';
import { envelopeKind, envelopeSeq, envelopeSignerKeyId, envelopeTime } from '../codec/envelope-view.js';
import { EnvelopeKind } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import { commitQuorum, validatorSetHash } from '../crypto/certificate.js';
import type { NamedAnchor } from './trust-anchor.js';

export type TraceReport =
  | {
      verified: true;
      trustAnchor: string;
      chainId: string;
      tracingCode: string;
      envelope: { kind: string; signerKeyId: string; seq: number; time: string; bytes: number };
      height: number;
      blockHash: string;
      blockTime: string;
      leafIndex: number;
      txCount: number;
      merklePath: string[];
      certificate: { view: number; signatures: number; validators: number; quorum: number };
    }
  | { verified: false; tracingCode: string; reason: string; message: string };

export const NO_ANCHOR_MESSAGE =
  'no trust anchor: give --genesis <file> or --anchor <file>; the validator set a node reports proves nothing about that node';

/** UTC ms as ISO 8601; a u64 past the year 275760 (valid on the wire) as its number. */
function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** Checks `bundle` for the envelope `expected` (hex) against `anchor`; never throws on a bad bundle. */
export function checkBundle(
  bundle: TraceBundleBytes,
  expected: Uint8Array,
  anchor: NamedAnchor | undefined,
): TraceReport {
  const tracingCode = toHex(expected);
  if (anchor === undefined)
    return { verified: false, tracingCode, reason: 'NO_TRUST_ANCHOR', message: NO_ANCHOR_MESSAGE };
  let v: ReturnType<typeof verifyTrace>;
  try {
    v = verifyTrace(bundle, expected, anchor);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const check = String(err.meta.check ?? err.code);
    if (check === 'WRONG_VALIDATOR_SET') return setChanged(bundle, anchor, tracingCode);
    return { verified: false, tracingCode, reason: check, message: err.message };
  }
  const cert = decodeCommitCertificate(bundle.certificate);
  const e = v.envelope;
  return {
    verified: true,
    trustAnchor: anchor.source,
    chainId: toHex(v.header.chainId),
    tracingCode,
    envelope: {
      kind: envelopeKind(e) === EnvelopeKind.KpiUpload ? 'kpi-upload' : 'contract-call',
      signerKeyId: toHex(envelopeSignerKeyId(e)),
      seq: envelopeSeq(e),
      time: isoTime(envelopeTime(e)),
      bytes: e.length,
    },
    height: v.header.height,
    blockHash: toHex(v.blockHash),
    blockTime: isoTime(v.header.time),
    leafIndex: bundle.leafIndex,
    txCount: v.header.txCount,
    merklePath: bundle.proof.map(toHex),
    certificate: {
      view: cert.view,
      signatures: cert.signatures.length,
      validators: anchor.validators.length,
      quorum: commitQuorum(anchor.validators.length),
    },
  };
}

/**
 * The header names a validator set other than the anchor's. After a governance change of the set
 * that is what a genuine bundle looks like (and a forged one too): the anchor alone cannot tell, so
 * the report says so instead of calling the certificate bad.
 */
function setChanged(bundle: TraceBundleBytes, anchor: NamedAnchor, tracingCode: string): TraceReport {
  return {
    verified: false,
    tracingCode,
    reason: 'VALIDATOR_SET_NOT_ANCHORED',
    message:
      `the block at height ${bundle.height} is certified by a validator set other than the one of ` +
      `${anchor.source} (set hash ${toHex(validatorSetHash(anchor.validators))}): if governance ` +
      'changed the set before this height, the anchor alone cannot verify this bundle; verify it ' +
      'against the set in force at that height (a platform that follows the chain holds it)',
  };
}

/** The human-readable form of a report: one fact per line. */
export function formatReport(r: TraceReport): string {
  if (!r.verified) return `NOT VERIFIED: ${r.message}\ntracing code: ${r.tracingCode}\nreason: ${r.reason}\n`;
  const c = r.certificate;
  return [
    `verified: true (trust anchor: ${r.trustAnchor})`,
    `envelope ${r.tracingCode} (${r.envelope.kind}, ${r.envelope.bytes} bytes, signer ${r.envelope.signerKeyId}, seq ${r.envelope.seq}, time ${r.envelope.time})`,
    `is leaf ${r.leafIndex} of ${r.txCount} in block ${r.height} of chain ${r.chainId}`,
    `block hash ${r.blockHash}, time ${r.blockTime}`,
    `certified in view ${c.view} by ${c.signatures} of ${c.validators} validators (quorum ${c.quorum})`,
    `merkle path: ${r.merklePath.length === 0 ? '(none: the only leaf)' : r.merklePath.join(' ')}`,
    '',
  ].join('\n');
}
