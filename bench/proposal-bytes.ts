// What one proposal costs on the wire: a PRE-PREPARE with its block inline (the form NEW-VIEW
// still carries) against the PROPOSAL every primary now sends (header + tracing codes), for a
// block of real synthetic envelopes, and what a fully missing block adds (BODIES-RESPONSE).
// Byte counts are exact; `node build/bench/proposal-bytes.js [envelopes]`.
import { encodeConsensusMessage } from '../codec/consensus-messages.js';
import { encodeBodiesResponse, encodeProposalRef } from '../codec/proposal-ref.js';
import { type Block, MessageType, type PrePrepare } from '../codec/types.js';
import { proposalRefOf } from '../consensus/proposal-ref.js';
import { generateEd25519 } from '../crypto/ed25519.js';
import { tracingCode } from '../crypto/hash.js';
import { x25519Of } from '../crypto/key-formats.js';
import { newKey } from '../crypto/keystore.js';
import { siteLoad, syntheticSite } from '../testkit/envelopes.js';

const count = Number(process.argv[2] ?? 1000);
const chainId = new Uint8Array(32).fill(1);
const envelopes = siteLoad(
  syntheticSite(0, generateEd25519()),
  chainId,
  x25519Of(newKey('x25519')).publicKey,
  1,
  count,
  1,
);
const block: Block = {
  header: {
    chainId,
    height: 1,
    view: 0,
    time: 1,
    parentHash: new Uint8Array(32),
    txRoot: new Uint8Array(32),
    txCount: count,
    stateRoot: new Uint8Array(32),
    validatorSetHash: new Uint8Array(32),
    proposer: 0,
    hashLogRoot: new Uint8Array(32),
  },
  envelopes,
};
const pp: PrePrepare = {
  type: MessageType.PrePrepare,
  sender: 0,
  signature: new Uint8Array(64),
  view: 0,
  seq: 1,
  digest: new Uint8Array(32),
  block,
};
const inline = encodeConsensusMessage(pp).length;
const ref = encodeProposalRef(proposalRefOf(pp, tracingCode)).length;
const bodies = encodeBodiesResponse(envelopes).length;
const mean = envelopes.reduce((n, e) => n + e.length, 0) / count;
process.stdout.write(
  `${count} envelopes of ${mean.toFixed(0)} bytes: PRE-PREPARE inline ${inline} bytes, PROPOSAL ${ref} bytes ` +
    `(${(inline / ref).toFixed(1)}x smaller); a replica missing all of them fetches ${bodies} bytes more\n`,
);
