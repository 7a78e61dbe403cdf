// Pre-verification of a proposal's envelopes: those this node admitted already are recognised by
// their (signer, seq) slot and their bytes, without verifying or hashing them again; the others are
// verified on the pool and remembered when good.
import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../../../codec/envelope.js';
import { envelopeSignedRegion, setEnvelopeSignature } from '../../../../codec/envelope-view.js';
import { encodeSealedPacket } from '../../../../codec/sealed-packet.js';
import { CityScheme, EnvelopeKind, SealAlgorithm } from '../../../../codec/types.js';
import { generateEd25519, sign, verify } from '../../../../crypto/ed25519.js';
import { keyIdOf } from '../../../../crypto/key-id.js';
import type { VerifyItem } from '../../../../crypto/verify-pool.js';
import type { Contracts } from '../../../../ledger/contracts.js';
import { hex } from '../../../../node/admission/admission.js';
import { preverifyEnvelopes } from '../../../../node/admission/preverify.js';
import { Mempool } from '../../../../node/chain/mempool.js';
import { envelopeTracingCode } from '../../../../node/chain/tx-hash.js';

const site = generateEd25519();

function upload(seq: number, fill: number): Uint8Array {
  const b = encodeEnvelope({
    kind: EnvelopeKind.KpiUpload,
    chainId: new Uint8Array(32).fill(1),
    signerKeyId: keyIdOf(site.publicKey),
    seq,
    time: 1_700_000_000_000 + seq,
    routing: {
      country: 756,
      city: { scheme: CityScheme.UnLocode, code: 'CHGVA' },
      siteId: new Uint8Array(16),
      kpiCodes: [21101],
    },
    packet: encodeSealedPacket({
      alg: SealAlgorithm.SessionKey,
      scpKeyId: new Uint8Array(16),
      keyRef: new Uint8Array(16),
      nonce: new Uint8Array(12),
      encryptedRecord: new Uint8Array(80).fill(fill),
      encryptedDigest: new Uint8Array(112),
    }),
    signature: new Uint8Array(64),
  });
  setEnvelopeSignature(b, sign(site, envelopeSignedRegion(b)));
  return b;
}

function setup() {
  const mempool = new Mempool({ maxEnvelopes: 100, maxBytes: 1 << 20 });
  const verified: VerifyItem[] = [];
  const contracts = {
    site: () => ({ publicKey: site.publicKey }),
    state: { get: () => undefined },
  } as unknown as Contracts;
  const deps = {
    ctx: { contracts },
    mempool,
    preverified: new Set<string>(),
    pool: {
      verifyBatch: async (items: VerifyItem[]) => {
        verified.push(...items);
        return items.map((i) => verify(i.publicKey, i.message, i.signature));
      },
    },
  };
  const admit = (bytes: Uint8Array, seq: number) => {
    const id = hex(envelopeTracingCode(bytes));
    expect(
      mempool.add({ id, bytes, code: envelopeTracingCode(bytes), signer: hex(keyIdOf(site.publicKey)), seq }),
    ).toBe('added');
    return id;
  };
  return { deps, verified, admit };
}

describe('preverifyEnvelopes', () => {
  it('recognises admitted envelopes arriving as new arrays: no verification, the same remembered code', async () => {
    const { deps, verified, admit } = setup();
    const admitted = upload(1, 7);
    admit(admitted, 1);
    const copy = admitted.slice();
    await preverifyEnvelopes([copy], deps);
    expect(verified).toHaveLength(0);
    // The code of the copy is the admitted array's code object: remembered, not hashed again.
    expect(envelopeTracingCode(copy)).toBe(envelopeTracingCode(admitted));
  });

  it('verifies an envelope whose slot is pending with other bytes, and one it never saw', async () => {
    const { deps, verified, admit } = setup();
    admit(upload(1, 7), 1);
    const sameSlot = upload(1, 8);
    const unseen = upload(2, 9);
    const forged = upload(3, 9);
    forged[forged.length - 1]! ^= 1;
    await preverifyEnvelopes([sameSlot, unseen, forged], deps);
    expect(verified).toHaveLength(3);
    expect([...deps.preverified]).toEqual([sameSlot, unseen].map((b) => hex(envelopeTracingCode(b))));
  });
});
