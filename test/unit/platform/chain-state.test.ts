// The platform executes the chain with the nodes' ledger (ledger/): what it reads from it, how it
// checks each header's state root, and how its contract state is stored and resumed.
import { beforeAll, describe, expect, it } from 'vitest';
import { SiteStatus } from '../../../codec/types.js';
import { ed25519FromSeed } from '../../../crypto/ed25519.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { parseGenesis } from '../../../node/genesis.js';
import { PlatformError, PlatformErrorCode } from '../../../platform/errors.js';
import { Extractor } from '../../../platform/extractor.js';
import { hex } from '../../../platform/hex.js';
import { PacketOpener } from '../../../platform/packet-opener.js';
import { MemoryDb } from '../../../platform/sql-pglite-memory.js';
import { PlatformStore } from '../../../platform/store.js';
import { withKeyRepeated } from '../store/fixtures.js';
import {
  adminKey,
  bytes,
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
  validatorKeys,
} from './fixture.js';
import { crashing, dump, WARM_UP } from './sql-fakes.js';

const open = (store: PlatformStore) =>
  Extractor.open(store, genesis, new PacketOpener([scpKey]), 'bkdms://t');

/** Block 1: siteA revoked, then an upload of each site; block 2: one more upload of siteB. */
function governedChain(): FakeChain {
  const chain = new FakeChain();
  chain.append([
    propose({ type: 'revokeSite', siteKeyId: keyIdOf(siteA.key.publicKey) }, 1),
    upload(siteA, 1, record(siteA, T0, [entry(UNEMPLOYMENT, 1)])),
    upload(siteB, 1, record(siteB, T0, [entry(UNEMPLOYMENT, 2)])),
  ]);
  chain.append([upload(siteB, 2, record(siteB, T0 + HOUR, [entry(UNEMPLOYMENT, 3)]))]);
  return chain;
}

async function errorOf(p: Promise<unknown>): Promise<PlatformError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  return err as PlatformError;
}

beforeAll(...WARM_UP);

describe('the platform ledger', () => {
  it('takes the genesis the nodes use (node/genesis.ts) as it is', async () => {
    const site = ed25519FromSeed(bytes(32, 0x61));
    const g = parseGenesis({
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
    const ex = await Extractor.open(PlatformStore.memory(), g, new PacketOpener([scpKey]), 'bkdms://t');
    expect(ex.chain.site(hex(keyIdOf(site.publicKey)))).toMatchObject({
      status: SiteStatus.Active,
      country: 156,
      city: { code: 'CNSHA' },
      kpiCodes: [12201],
    });
    expect(ex.chain.validatorsAt(1)).toEqual(validatorKeys.map((k) => k.publicKey));
    expect(ex.chain.scpKeys()).toEqual([
      expect.objectContaining({ keyId: hex(keyIdOf(scpKey.publicKey)), retired: false }),
    ]);
  });

  it('refuses a genesis no state can start from as a config error', async () => {
    const twice = { ...genesis, sites: [genesis.sites[0]!, genesis.sites[0]!] };
    const err = await errorOf(
      Extractor.open(PlatformStore.memory(), twice, new PacketOpener([scpKey]), 'bkdms://t'),
    );
    expect(err.code).toBe(PlatformErrorCode.BadConfig);
    expect(err.message).toContain('sites.1');
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
    const ex = await open(PlatformStore.memory());
    await ex.apply(1, old.built[0]!.certifiedBlock);
    await ex.apply(2, old.built[1]!.certifiedBlock);
    const err = await errorOf(ex.apply(3, old.built[2]!.certifiedBlock));
    expect(err.code).toBe(PlatformErrorCode.BadBlock);
    expect(ex.chain.validatorsAt(2)).toEqual(validatorKeys.map((k) => k.publicKey));
    expect(ex.chain.validatorsAt(3)).toEqual(next.map((k) => k.publicKey));
  });

  it('does not adopt a validator set whose key list repeats a key: the chain refused it', async () => {
    const next = [0, 1, 2, 3].map((i) => ed25519FromSeed(bytes(32, 0xa0 + i)));
    const action = {
      type: 'setValidators' as const,
      validators: next.map((k) => ({ publicKey: k.publicKey })),
      activateAt: 3,
    };
    const [k0, k1] = [next[0]!.publicKey, next[1]!.publicKey];
    const chain = new FakeChain();
    chain.append([withKeyRepeated(propose(action, 1), k0, k1, adminKey)]);
    chain.append([]);
    chain.append([]); // still certified by the genesis set, which is still in force
    const ex = await open(PlatformStore.memory());
    await ex.follow(chain);
    expect(ex.height).toBe(3);
    expect(ex.chain.validatorsAt(3)).toEqual(validatorKeys.map((k) => k.publicKey));
  });

  it('judges each upload by the registry as the block left it at that point', async () => {
    const chain = governedChain();
    const store = PlatformStore.memory();
    const ex = await open(store);
    await ex.follow(chain);
    const outcomes = [];
    for await (const p of store.packets()) outcomes.push(p.outcome.ok ? 'ok' : p.outcome.reason);
    expect(outcomes).toEqual(['SITE_NOT_ACTIVE', 'ok', 'ok']);
    expect(ex.chain.site(hex(keyIdOf(siteA.key.publicKey)))?.status).toBe(SiteStatus.Revoked);
  });

  it("stores the chain's contract state bytes with each block, and resumes from them", async () => {
    const chain = governedChain();
    const store = PlatformStore.memory();
    await (await open(store)).follow(chain);
    // The same entries, byte for byte, as the contracts the chain ran (a node's ContractState bucket).
    expect(await store.stateEntries()).toEqual(chain.ledger.state.entries());
    expect((await store.checkpoint())?.stateRoot).toBe(hex(chain.ledger.stateRoot()));
    const again = await open(store);
    expect(again.chain.stateRoot()).toEqual(chain.ledger.stateRoot());
    expect(again.chain.site(hex(keyIdOf(siteA.key.publicKey)))?.status).toBe(SiteStatus.Revoked);
    chain.append([upload(siteB, 3, record(siteB, T0 + 2 * HOUR, [entry(UNEMPLOYMENT, 4)]))]);
    chain.append([]); // its header carries the root after block 3: checked against our execution
    await again.follow(chain);
    expect(again.height).toBe(4);
    expect(await store.stateEntries()).toEqual(chain.ledger.state.entries());
  });

  it("stops at a verified block whose state root is not its own execution's, and writes nothing of it", async () => {
    const chain = new FakeChain();
    chain.append([upload(siteA, 1, record(siteA, T0, [entry(UNEMPLOYMENT, 1)]))]);
    // A quorum certifies block 2 with a root the contracts do not give after block 1.
    chain.append(
      [upload(siteA, 2, record(siteA, T0 + HOUR, [entry(UNEMPLOYMENT, 2)]))],
      [0, 1, 2],
      undefined,
      bytes(32, 0x55),
    );
    const store = PlatformStore.memory();
    const ex = await open(store);
    const err = await errorOf(ex.follow(chain));
    expect(err.code).toBe(PlatformErrorCode.StateRootMismatch);
    expect(err.meta).toMatchObject({ height: 2, header: hex(bytes(32, 0x55)) });
    expect(ex.height).toBe(1);
    expect((await store.checkpoint())?.height).toBe(1);
    const heights = [];
    for await (const p of store.packets()) heights.push(p.meta.height);
    expect(heights).toEqual([1]);
  });

  it('refuses a database whose contract state does not hash to its checkpoint', async () => {
    const store = PlatformStore.memory();
    await (await open(store)).follow(governedChain());
    await store.db.query(
      "UPDATE contract_state SET value = convert_to($1, 'UTF8') WHERE key = 'gov/admins'",
      ['{"admins":[],"threshold":1}'],
    );
    const err = await errorOf(open(store));
    expect(err.code).toBe(PlatformErrorCode.Store);
    expect(err.message).toMatch(/checkpoint says/);
  });

  it('after a failed write, the same extractor executes the block again from the stored state', async () => {
    const chain = governedChain(); // one chain: uploads are sealed with fresh ephemeral keys
    const clean = PlatformStore.memory();
    await (await open(clean)).follow(chain);
    const inner = new MemoryDb();
    const flaky = crashing(inner, { fails: (n) => n === 2, error: () => new Error('disk hiccup') });
    const ex = await open(new PlatformStore(flaky));
    await expect(ex.follow(chain)).rejects.toThrow('disk hiccup');
    expect(ex.height).toBe(1);
    await ex.follow(chain);
    expect(ex.height).toBe(2);
    expect(await dump(inner)).toEqual(await dump(clean.db));
  });
});
