import { describe, expect, it } from 'vitest';
import { SiteStatus } from '../../../codec/types.js';
import { ed25519FromSeed } from '../../../crypto/ed25519.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { parseGenesis } from '../../../node/genesis.js';
import { ChainMirror, type GenesisView } from '../../../platform/chain-mirror.js';
import { type PlatformError, PlatformErrorCode } from '../../../platform/errors.js';
import { Extractor } from '../../../platform/extractor.js';
import { hex } from '../../../platform/hex.js';
import { PacketOpener } from '../../../platform/packet-opener.js';
import { PlatformStore } from '../../../platform/store.js';
import { bytes, FakeChain, genesis, propose, scpKey, siteA, validatorKeys } from './fixture.js';

describe('chain mirror', () => {
  it('takes the genesis the nodes use (node/genesis.ts) as it is', () => {
    const site = ed25519FromSeed(bytes(32, 0x61));
    const g: GenesisView = parseGenesis({
      chainName: 'test',
      genesisTime: '2026-01-01T00:00:00Z',
      validators: validatorKeys.map((k) => hex(k.publicKey)),
      admins: { publicKeys: [hex(bytes(32, 0x41))], threshold: 1 },
      sites: [
        {
          publicKey: hex(site.publicKey),
          country: 156,
          city: 'locode:CNSHA',
          siteId: '10.0.0.1',
          kpis: [12201],
        },
      ],
      scpKeys: [
        {
          publicKey: hex(scpKey.publicKey),
          notBefore: '2026-01-01T00:00:00Z',
          notAfter: '2027-01-01T00:00:00Z',
        },
      ],
      params: { periodMs: 1000, maxBlockEnvelopes: 100, maxBlockBytes: 1_000_000, viewTimeoutMs: 2000 },
    });
    const m = ChainMirror.fromGenesis(g);
    expect(m.site(hex(keyIdOf(site.publicKey)))).toMatchObject({
      status: SiteStatus.Active,
      country: 156,
      city: { code: 'CNSHA' },
      kpiCodes: [12201],
    });
    expect(m.validatorsAt(1)).toEqual(validatorKeys.map((k) => k.publicKey));
    expect(m.scpKeys()).toEqual([
      expect.objectContaining({ keyId: hex(keyIdOf(scpKey.publicKey)), retired: false }),
    ]);
  });

  it('follows a validator set change from its activation height', async () => {
    const next = [0, 1, 2, 3].map((i) => ed25519FromSeed(bytes(32, 0xa0 + i)));
    const old = new FakeChain();
    old.append([
      propose(
        { type: 'setValidators', validators: next.map((k) => ({ publicKey: k.publicKey })), activateAt: 3 },
        1,
      ),
    ]);
    old.append([]);
    old.append([]); // height 3 still signed by the old set: must be refused
    const ex = await Extractor.open(PlatformStore.memory(), genesis, new PacketOpener([scpKey]), 'bkdms://t');
    await ex.apply(1, old.built[0]!.certifiedBlock);
    await ex.apply(2, old.built[1]!.certifiedBlock);
    const err = await ex.apply(3, old.built[2]!.certifiedBlock).catch((e: unknown) => e);
    expect((err as PlatformError).code).toBe(PlatformErrorCode.BadBlock);
    expect(ex.chain.validatorsAt(2)).toEqual(validatorKeys.map((k) => k.publicKey));
    expect(ex.chain.validatorsAt(3)).toEqual(next.map((k) => k.publicKey));
  });

  it('snapshots round-trip through JSON', () => {
    const m = ChainMirror.fromGenesis(genesis);
    const env = propose({ type: 'revokeSite', siteKeyId: keyIdOf(siteA.key.publicKey) }, 1);
    m.applyCall(env, 'aa'.repeat(32), 1, 0);
    const back = ChainMirror.fromSnapshot(JSON.parse(JSON.stringify(m.snapshot())));
    expect(back.snapshot()).toEqual(m.snapshot());
    expect(back.site(hex(keyIdOf(siteA.key.publicKey)))?.status).toBe(SiteStatus.Revoked);
  });
});
