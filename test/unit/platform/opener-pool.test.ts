// Digest signatures verified a block at a time off the opening loop (on a VerifyPool's workers in
// `platform run`) give exactly the outcomes of verifying each packet as it is opened: the same
// reason for every packet, a bad signature outranking what the record would give, and a session
// offer accepted only from a packet whose signature verified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeExtension } from '../../../codec/extension.js';
import { SealAlgorithm } from '../../../codec/types.js';
import { createSession } from '../../../crypto/session-key.js';
import { VerifyPool } from '../../../crypto/verify-pool.js';
import { x25519FromPrivate } from '../../../crypto/x25519.js';
import { Extractor, type SignatureVerifier } from '../../../platform/extractor.js';
import { PacketFailure } from '../../../platform/outcome.js';
import { PacketOpener } from '../../../platform/packet-opener.js';
import { PlatformStore } from '../../../platform/store.js';
import { EXT_SESSION_OFFER, encodeSessionOffer } from '../../../site/session-offer.js';
import {
  bytes,
  ELECTRICITY,
  entry,
  FakeChain,
  genesis,
  HOUR,
  record,
  scpKey,
  siteA,
  siteB,
  T0,
  UNEMPLOYMENT,
  upload,
} from './fixture.js';
import { WARM_UP } from './sql-fakes.js';

const rec = (t = T0) => record(siteA, t, [entry(UNEMPLOYMENT, 4.2)]);

async function run(chain: FakeChain, verifier?: SignatureVerifier) {
  const store = PlatformStore.memory();
  const ex = await Extractor.open(store, genesis, new PacketOpener([scpKey]), 'bkdms://t', verifier);
  await ex.follow(chain);
  const reasons: string[] = [];
  for await (const p of store.packets()) reasons.push(p.outcome.ok ? 'OK' : p.outcome.reason);
  return { reasons, offers: (await store.offers()).length };
}

/** Good and bad signatures mixed with every other failure, and a block of one (verified inline). */
function mixedChain(): FakeChain {
  const chain = new FakeChain();
  const uploads = [
    upload(siteA, 1, rec()),
    upload(siteA, 2, rec(), { digestKey: siteB.key }),
    upload(siteA, 3, rec(), { corrupt: true }),
    // Both a routing mismatch and a bad signature: the signature is what is reported.
    upload(siteA, 4, rec(), { routing: { kpiCodes: [ELECTRICITY] }, digestKey: siteB.key }),
    upload(siteA, 5, rec(), { routing: { kpiCodes: [ELECTRICITY] } }),
    upload(siteA, 6, { ...rec(), extension: encodeExtension([{ type: 1, value: new Uint8Array(5) }]) }),
  ];
  // Enough uploads that the pool splits the batch over its workers.
  for (let seq = 7; seq < 40; seq++)
    uploads.push(upload(siteA, seq, rec(T0 + seq), seq % 7 === 0 ? { digestKey: siteB.key } : {}));
  chain.append(uploads);
  chain.append([upload(siteA, 40, rec(T0 + 40), { digestKey: siteB.key })]);
  return chain;
}

/** An offer in a packet whose signature is not the site's, then a packet sealed with its session. */
function forgedOfferChain(): FakeChain {
  const siteX = x25519FromPrivate(bytes(32, 0x31));
  const { offer, session } = createSession(siteX, scpKey.publicKey, T0, 10 * HOUR);
  const extension = encodeExtension([{ type: EXT_SESSION_OFFER, value: encodeSessionOffer(offer) }]);
  const chain = new FakeChain();
  chain.append([
    upload(siteA, 1, { ...rec(), extension }, { digestKey: siteB.key }),
    upload(siteA, 2, rec(T0 + 1), { target: { alg: SealAlgorithm.SessionKey, session, now: T0 + 1 } }),
  ]);
  chain.append([
    upload(siteA, 3, { ...rec(T0 + 2), extension }),
    upload(siteA, 4, rec(T0 + 3), { target: { alg: SealAlgorithm.SessionKey, session, now: T0 + 3 } }),
  ]);
  return chain;
}

beforeAll(...WARM_UP);

describe('digest signatures verified a block at a time', () => {
  const pool = new VerifyPool({ workers: 2, inlineBelow: 2, minRun: 4 });
  afterAll(() => pool.close());
  const failing: SignatureVerifier = {
    verifyBatch: async () => {
      throw new Error('no workers');
    },
  };
  const wrongLength: SignatureVerifier = { verifyBatch: async () => [] };

  /** The mixed chain extracted with every signature verified as its packet is opened. */
  let inline: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    inline = await run(mixedChain());
  }, 60_000);

  it('gives the outcomes of verifying each packet as it is opened', async () => {
    expect(inline.reasons.slice(0, 6)).toEqual([
      'OK',
      PacketFailure.BadSignature,
      PacketFailure.DecryptFailed,
      PacketFailure.BadSignature,
      PacketFailure.RoutingMismatch,
      PacketFailure.BadOffer,
    ]);
    expect(inline.reasons.filter((r) => r === PacketFailure.BadSignature)).toHaveLength(2 + 5 + 1);
    expect(await run(mixedChain(), pool)).toEqual(inline);
  });

  it('falls back to this thread when the verifier fails or answers out of shape', async () => {
    expect(await run(mixedChain(), failing)).toEqual(inline);
    expect(await run(mixedChain(), wrongLength)).toEqual(inline);
  });

  it('accepts a session offer only from a packet whose signature verifies', async () => {
    for (const verifier of [undefined, pool]) {
      const { reasons, offers } = await run(forgedOfferChain(), verifier);
      expect(reasons).toEqual([PacketFailure.BadSignature, PacketFailure.UnknownKey, 'OK', 'OK']);
      expect(offers).toBe(1);
    }
  });
});
