// Signing bytes of the PBFT messages, defined apart from their wire layout (the CometBFT habit):
// tag "BKDMS/v1/<name>\0" || version || chainId || the fields a signature must bind. Bodies are
// never signed: a PRE-PREPARE binds its block through the header hash (digest), whose txRoot
// binds the envelopes. A COMMIT signs exactly commitSigningBytes(), so the COMMIT votes a replica
// collects are, unchanged, the signatures of the block's commit certificate.
import { HASH_BYTES, PUBLIC_KEY_BYTES, WIRE_VERSION } from './caps.js';
import { commitSigningBytes, domainTag } from './signing.js';
import {
  type ConsensusMessage,
  MessageType,
  type NewView,
  type StateResponse,
  type ViewChange,
} from './types.js';
import { Writer } from './writer.js';

export const DOMAIN_PRE_PREPARE = domainTag('pre-prepare');
export const DOMAIN_PREPARE = domainTag('prepare');
export const DOMAIN_CHECKPOINT = domainTag('checkpoint');
export const DOMAIN_VIEW_CHANGE = domainTag('view-change');
export const DOMAIN_NEW_VIEW = domainTag('new-view');
export const DOMAIN_STATE_REQUEST = domainTag('state-request');
export const DOMAIN_STATE_RESPONSE = domainTag('state-response');

/** A message as it is before its signature exists. */
export type Unsigned<M extends ConsensusMessage> = M extends unknown ? Omit<M, 'signature'> : never;

function start(tag: Uint8Array, chainId: Uint8Array, size: number): Writer {
  return new Writer(tag.length + 1 + HASH_BYTES + size)
    .bytes(tag)
    .u8(WIRE_VERSION)
    .bytes(chainId, HASH_BYTES, 'chainId');
}

/** PRE-PREPARE and PREPARE: tag || v || chainId || view u64 || seq u64 || digest. */
export function voteSigningBytes(
  tag: Uint8Array,
  chainId: Uint8Array,
  view: number,
  seq: number,
  digest: Uint8Array,
): Uint8Array {
  return start(tag, chainId, 48)
    .u64(view, 'view')
    .u64(seq, 'seq')
    .bytes(digest, HASH_BYTES, 'digest')
    .finish();
}

/** CHECKPOINT: tag || v || chainId || seq u64 || digest (the hash of the block at seq). */
export function checkpointSigningBytes(chainId: Uint8Array, seq: number, digest: Uint8Array): Uint8Array {
  return start(DOMAIN_CHECKPOINT, chainId, 40).u64(seq, 'seq').bytes(digest, HASH_BYTES, 'digest').finish();
}

function writeSigs(w: Writer, sigs: readonly { sender: number; signature: Uint8Array }[]): void {
  w.u16(sigs.length, 'count');
  for (const s of sigs) w.u16(s.sender, 'sender').bytes(s.signature, 64, 'signature');
}

/**
 * VIEW-CHANGE: newView, stable checkpoint (seq, digest, its signatures) and every prepared proof
 * (view, seq, digest, the primary's signature and the 2f prepare signatures). The proof's header
 * is bound through its digest (verifiers check hash(header) = digest); its body is not signed.
 */
function viewChangeSigningBytes(chainId: Uint8Array, m: Unsigned<ViewChange>): Uint8Array {
  const w = start(DOMAIN_VIEW_CHANGE, chainId, 256)
    .u64(m.newView, 'newView')
    .u64(m.stableSeq, 'stableSeq')
    .bytes(m.stableDigest, HASH_BYTES, 'stableDigest');
  writeSigs(w, m.checkpointProof);
  w.u16(m.prepared.length, 'prepared');
  for (const p of m.prepared) {
    w.u64(p.view, 'view').u64(p.seq, 'seq').bytes(p.digest, HASH_BYTES, 'digest');
    w.bytes(p.prePrepareSignature, 64, 'prePrepareSignature');
    writeSigs(w, p.prepares);
  }
  return w.finish();
}

/** NEW-VIEW: view, the (sender, signature) of each VIEW-CHANGE, the (seq, digest) of each PRE-PREPARE. */
function newViewSigningBytes(chainId: Uint8Array, m: Unsigned<NewView>): Uint8Array {
  const w = start(DOMAIN_NEW_VIEW, chainId, 256).u64(m.view, 'view');
  writeSigs(w, m.viewChanges);
  w.u16(m.prePrepares.length, 'prePrepares');
  for (const p of m.prePrepares) w.u64(p.seq, 'seq').bytes(p.digest, HASH_BYTES, 'digest');
  return w.finish();
}

function stateResponseSigningBytes(chainId: Uint8Array, m: Unsigned<StateResponse>): Uint8Array {
  const w = start(DOMAIN_STATE_RESPONSE, chainId, 64 + m.blocks.length * 40).u32(m.blocks.length, 'blocks');
  for (const b of m.blocks)
    w.u64(b.certificate.height, 'height').bytes(b.certificate.blockHash, HASH_BYTES, 'blockHash');
  const c = m.checkpoint;
  w.u8(c ? 1 : 0, 'hasCheckpoint');
  if (c) {
    w.u64(c.seq, 'seq').bytes(c.digest, HASH_BYTES, 'digest');
    writeSigs(w, c.signatures);
  }
  if (m.earliestHeight !== undefined) w.u64(m.earliestHeight, 'earliestHeight');
  return w.finish();
}

/** The bytes a message's sender signs. */
export function consensusSigningBytes(chainId: Uint8Array, m: Unsigned<ConsensusMessage>): Uint8Array {
  switch (m.type) {
    case MessageType.PrePrepare:
      return voteSigningBytes(DOMAIN_PRE_PREPARE, chainId, m.view, m.seq, m.digest);
    case MessageType.Prepare:
      return voteSigningBytes(DOMAIN_PREPARE, chainId, m.view, m.seq, m.digest);
    case MessageType.Commit:
      return commitSigningBytes(chainId, m.view, m.seq, m.digest);
    case MessageType.Checkpoint:
      return checkpointSigningBytes(chainId, m.seq, m.digest);
    case MessageType.ViewChange:
      return viewChangeSigningBytes(chainId, m);
    case MessageType.NewView:
      return newViewSigningBytes(chainId, m);
    case MessageType.StateRequest: {
      const w = start(DOMAIN_STATE_REQUEST, chainId, 48)
        .u64(m.fromHeight, 'fromHeight')
        .u64(m.toHeight, 'toHeight');
      if (m.key !== undefined) w.bytes(m.key, PUBLIC_KEY_BYTES, 'key');
      return w.finish();
    }
    case MessageType.StateResponse:
      return stateResponseSigningBytes(chainId, m);
  }
}
