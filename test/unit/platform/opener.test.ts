import { beforeAll, describe, expect, it } from 'vitest';
import { encodeExtension } from '../../../codec/extension.js';
import { SealAlgorithm } from '../../../codec/types.js';
import { ed25519FromSeed } from '../../../crypto/ed25519.js';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { SessionKeyring } from '../../../crypto/session-keyring.js';
import { x25519FromPrivate } from '../../../crypto/x25519.js';
import { Extractor } from '../../../platform/extractor.js';
import { PacketFailure, type PacketOutcome } from '../../../platform/outcome.js';
import { PacketOpener } from '../../../platform/packet-opener.js';
import { PlatformStore } from '../../../platform/store.js';
import { SignedEnvelopeMaker } from '../../../site/envelope-maker.js';
import { SealKeys } from '../../../site/seal-keys.js';
import {
  adminKey,
  bytes,
  chainId,
  contractCall,
  ELECTRICITY,
  entry,
  FakeChain,
  genesis,
  HOUR,
  propose,
  record,
  scpKey,
  siteA,
  siteB,
  T0,
  UNEMPLOYMENT,
  upload,
} from './fixture.js';
import { WARM_UP } from './sql-fakes.js';

async function outcomes(chain: FakeChain, store = PlatformStore.memory()): Promise<PacketOutcome[]> {
  const ex = await Extractor.open(store, genesis, new PacketOpener([scpKey]), 'bkdms://t');
  await ex.follow(chain);
  const out: PacketOutcome[] = [];
  for await (const p of store.packets()) out.push(p.outcome);
  return out;
}

function reasons(os: PacketOutcome[]): string[] {
  return os.map((o) => (o.ok ? 'OK' : o.reason));
}

const rec = (t = T0) => record(siteA, t, [entry(UNEMPLOYMENT, 4.2)]);

/** A chain whose first block holds two records of siteA from the real site sealer in session
 * mode: the first carries the session offer (sealed ephemerally), the second uses the session. */
async function sessionChain(): Promise<{ maker: SignedEnvelopeMaker; chain: FakeChain }> {
  const dir = {
    scpKeys: async () => [
      {
        keyId: keyIdOf(scpKey.publicKey),
        publicKey: scpKey.publicKey,
        notBefore: 0,
        notAfter: T0 + 1000 * HOUR,
      },
    ],
  };
  const keys = new SealKeys(dir, {
    mode: 'session',
    sessionTtlMs: 10 * HOUR,
    renewBeforeMs: HOUR,
    directoryTtlMs: HOUR,
  });
  const maker = new SignedEnvelopeMaker(siteA.key, async () => chainId, keys);
  const chain = new FakeChain();
  chain.append(
    [await maker.make(rec(), 1, T0), await maker.make(rec(T0 + HOUR), 2, T0 + HOUR)],
    [0, 1, 2],
    T0 + 2 * HOUR,
  );
  return { maker, chain };
}

beforeAll(...WARM_UP);

describe('decryption and verification failures are recorded with their reason', () => {
  it('names each failure', async () => {
    const stranger = { ...siteA, key: ed25519FromSeed(bytes(32, 0x77)) };
    const otherScp = x25519FromPrivate(bytes(32, 0x52));
    const chain = new FakeChain();
    chain.append([
      upload(siteA, 1, rec()),
      upload(siteA, 2, rec(), { corrupt: true }),
      upload(siteA, 3, rec(), { digestKey: siteB.key }),
      upload(siteA, 4, rec(), { routing: { kpiCodes: [ELECTRICITY] } }),
      upload(siteA, 5, rec(), {
        target: { alg: SealAlgorithm.EphemeralX25519, scpPublicKey: otherScp.publicKey },
      }),
      upload(stranger, 1, rec()),
      upload(siteA, 6, record(siteB, T0, [entry(UNEMPLOYMENT, 1)])),
      upload(siteA, 7, { ...rec(), extension: encodeExtension([{ type: 1, value: new Uint8Array(5) }]) }),
    ]);
    const os = await outcomes(chain);
    expect(reasons(os)).toEqual([
      'OK',
      PacketFailure.DecryptFailed,
      PacketFailure.BadSignature,
      PacketFailure.RoutingMismatch,
      PacketFailure.UnknownKey,
      PacketFailure.UnknownSite,
      PacketFailure.NotPermitted,
      PacketFailure.BadOffer,
    ]);
    const bad = os[3];
    expect(bad && !bad.ok && bad.detail).toMatch(/KPI codes/);
  });

  it('follows the registry as of each block: suspension, then key rotation', async () => {
    const rotated = ed25519FromSeed(bytes(32, 0x63));
    const chain = new FakeChain();
    chain.append([propose({ type: 'suspendSite', siteKeyId: keyIdOf(siteA.key.publicKey) }, 1)]);
    chain.append([upload(siteA, 1, rec())]);
    chain.append([propose({ type: 'resumeSite', siteKeyId: keyIdOf(siteA.key.publicKey) }, 2)]);
    chain.append([upload(siteA, 2, rec())]);
    chain.append([
      propose(
        { type: 'rotateSiteKey', siteKeyId: keyIdOf(siteA.key.publicKey), newPublicKey: rotated.publicKey },
        3,
      ),
    ]);
    chain.append([upload(siteA, 3, rec()), upload({ ...siteA, key: rotated }, 4, rec())]);
    expect(reasons(await outcomes(chain))).toEqual([
      PacketFailure.SiteNotActive,
      'OK',
      PacketFailure.UnknownSite,
      'OK',
    ]);
  });

  it('applies an M-of-N proposal only once the threshold is reached', async () => {
    const second = ed25519FromSeed(bytes(32, 0x42));
    const chain = new FakeChain();
    chain.append([
      propose({ type: 'setAdmins', admins: [adminKey.publicKey, second.publicKey], threshold: 2 }, 1),
    ]);
    const suspend = propose({ type: 'suspendSite', siteKeyId: keyIdOf(siteA.key.publicKey) }, 2);
    chain.append([suspend, upload(siteA, 1, rec())]);
    chain.append([contractCall({ type: 'approve', proposalId: tracingCode(suspend) }, 1, second)]);
    chain.append([upload(siteA, 2, rec())]);
    expect(reasons(await outcomes(chain))).toEqual(['OK', PacketFailure.SiteNotActive]);
  });

  it('opens session-sealed packets from the real site sealer, also after a restart', async () => {
    const { maker, chain } = await sessionChain();
    const store = PlatformStore.memory();
    const first = await outcomes(chain, store);
    expect(first.map((o) => o.ok && o.seal)).toEqual(['ephemeral', 'session']);
    chain.append([await maker.make(rec(T0 + 2 * HOUR), 3, T0 + 2 * HOUR)], [0, 1, 2], T0 + 3 * HOUR);
    // A new opener (a restarted platform) re-derives the session from the stored offer.
    const after = await outcomes(chain, store);
    expect(after.map((o) => o.ok && o.seal)).toEqual(['ephemeral', 'session', 'session']);
  });

  it('a full session keyring leaves the offer unaccepted but stops nothing', async () => {
    const { chain } = await sessionChain();
    chain.append([upload(siteA, 3, rec())]);
    const store = PlatformStore.memory();
    const full = new PacketOpener([scpKey], new SessionKeyring({ capacity: 0 }));
    const ex = await Extractor.open(store, genesis, full, 'bkdms://t');
    await ex.follow(chain);
    const got: PacketOutcome[] = [];
    for await (const p of store.packets()) got.push(p.outcome);
    expect(reasons(got)).toEqual(['OK', PacketFailure.UnknownKey, 'OK']);
  });
});
