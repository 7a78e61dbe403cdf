// The trace check the page makes itself: api/verify.ts's verifyTrace, the very function
// `bkdms trace` runs, bundled for the browser (console/bundle.ts swaps libsodium for @noble). The
// backend only relays the node's bytes; the verdict comes from this code and the trust anchor the
// page holds. Its one failure reason is spread over the list of checks the page shows, so a
// tampered byte shows exactly which check failed and which were never reached.
import { ApiError } from '../../api/errors.js';
import { type ValidatorSource, verifyTrace } from '../../api/verify.js';
import { decodeBlockHeader } from '../../codec/block.js';
import { type EnvelopeSummary, summarizeEnvelope } from '../envelope-summary.js';
import { hexToBytes } from './dom.js';
import type { BundleHex } from './types.js';

export interface Anchor {
  chainId: string;
  validators: string[];
  source: string;
}

export type StepState = 'passed' | 'failed' | 'not reached';

export interface Step {
  id: 'chain' | 'envelope' | 'inclusion' | 'validators' | 'certificate' | 'identity';
  what: string;
  state: StepState;
  detail?: string;
}

export interface TraceVerdict {
  ok: boolean;
  steps: Step[];
  reason?: string;
  envelope?: EnvelopeSummary;
  height?: number;
  blockTime?: number;
}

const STEPS: Omit<Step, 'state'>[] = [
  { id: 'chain', what: 'the block header decodes and names the trust anchor’s chain' },
  { id: 'envelope', what: 'the envelope decodes and is bound to the same chain' },
  { id: 'inclusion', what: 'SHA-256 of the envelope leads by the Merkle path to the header’s txRoot' },
  { id: 'validators', what: 'the header names the anchor’s validator set' },
  { id: 'certificate', what: 'a quorum (2f + 1) of valid Ed25519 commit signatures over the block hash' },
  { id: 'identity', what: 'the envelope is the one asked for, at the height given' },
];

const FAILED_AT: Record<string, Step['id']> = {
  BAD_HEADER: 'chain',
  WRONG_CHAIN: 'chain',
  BAD_ENVELOPE: 'envelope',
  NOT_INCLUDED: 'inclusion',
  WRONG_VALIDATOR_SET: 'validators',
  BAD_CERTIFICATE: 'certificate',
  OTHER_ENVELOPE: 'identity',
  WRONG_HEIGHT: 'identity',
};

/**
 * `validators`: the set by height the page proved by following changes (follow-validators.ts);
 * absent, the anchor's own set is used for every height.
 */
export function verifyTraceInBrowser(
  code: string,
  b: BundleHex,
  anchor: Anchor,
  validators?: ValidatorSource,
): TraceVerdict {
  const bundle = {
    envelope: hexToBytes(b.envelope),
    header: hexToBytes(b.header),
    leafIndex: b.leafIndex,
    proof: b.proof.map(hexToBytes),
    certificate: hexToBytes(b.certificate),
    height: b.height,
  };
  const trust = {
    chainId: hexToBytes(anchor.chainId),
    validators: validators ?? anchor.validators.map(hexToBytes),
  };
  let envelope: EnvelopeSummary | undefined;
  try {
    envelope = summarizeEnvelope(bundle.envelope);
  } catch {
    envelope = undefined;
  }
  try {
    const v = verifyTrace(bundle, hexToBytes(code), trust);
    return {
      ok: true,
      steps: STEPS.map((s) => ({ ...s, state: 'passed' })),
      ...(envelope ? { envelope } : {}),
      height: v.header.height,
      blockTime: v.header.time,
    };
  } catch (err) {
    const reason = err instanceof ApiError ? String(err.meta.check ?? err.code) : 'UNDECODABLE';
    const detail =
      err instanceof ApiError && err.meta.certificate !== undefined ? String(err.meta.certificate) : reason;
    const at = FAILED_AT[reason] ?? 'chain';
    const idx = STEPS.findIndex((s) => s.id === at);
    let height: number | undefined;
    try {
      height = decodeBlockHeader(bundle.header).height;
    } catch {
      height = undefined;
    }
    return {
      ok: false,
      reason,
      steps: STEPS.map((s, i) => ({
        ...s,
        state: i < idx ? 'passed' : i === idx ? 'failed' : 'not reached',
        ...(i === idx ? { detail } : {}),
      })),
      ...(envelope ? { envelope } : {}),
      ...(height !== undefined ? { height } : {}),
    };
  }
}
