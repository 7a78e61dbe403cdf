import { beforeAll, describe, expect, it } from 'vitest';
import { envelopeAad } from '../../../codec/envelope.js';
import { encodeKpiRecord } from '../../../codec/kpi-record.js';
import { encodeSealedPacket } from '../../../codec/sealed-packet.js';
import { decodeStorageRecord, encodeStorageRecord } from '../../../codec/storage-record.js';
import { SealAlgorithm, type StorageRecord } from '../../../codec/types.js';
import { ed25519FromSeed } from '../../../crypto/ed25519.js';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { sealKpiRecord } from '../../../crypto/seal.js';
import { type AuditReport, audit, formatAudit, type RecorderField } from '../../../platform/audit.js';
import { PlatformError, PlatformErrorCode } from '../../../platform/errors.js';
import { Extractor } from '../../../platform/extractor.js';
import { hex } from '../../../platform/hex.js';
import { PacketOpener } from '../../../platform/packet-opener.js';
import type { SqlDb } from '../../../platform/sql-db.js';
import { makeStorageRecord } from '../../../platform/storage-record.js';
import { PlatformStore } from '../../../platform/store.js';
import { formatTrace, trace } from '../../../platform/trace.js';
import {
  bytes,
  chainId,
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

const URL = 'bkdms://test-chain';

async function setup() {
  const chain = new FakeChain();
  for (let h = 1; h <= 3; h++)
    chain.append([
      upload(siteA, h, record(siteA, T0 + h * HOUR, [entry(UNEMPLOYMENT, 4 + h / 10)])),
      upload(siteB, h, record(siteB, T0 + h * HOUR, [entry(UNEMPLOYMENT, 6 + h / 10)])),
    ]);
  const store = PlatformStore.memory();
  const db = store.db;
  const opener = new PacketOpener([scpKey]);
  const ex = await Extractor.open(store, genesis, opener, URL);
  await ex.follow(chain);
  const deps = { store, chain, ledger: ex.chain, chainUrl: URL, opener };
  return { chain, db, store, deps };
}

/** The attacker's edit of the stored Table 10-3 record of packet (height, index). */
async function editRecord(
  db: SqlDb,
  height: number,
  index: number,
  change: (record: Uint8Array) => Uint8Array,
): Promise<void> {
  const where = 'WHERE height = $1 AND idx = $2';
  const [row] = await db.query(`SELECT record FROM storage_records ${where}`, [height, index]);
  const record = change(Uint8Array.from(row!.record as Uint8Array));
  await db.query(`UPDATE storage_records SET record = $3 ${where}`, [height, index, record]);
}

/** The attacker's edit of a stored decrypted value. */
async function editValue(db: SqlDb, height: number, index: number, value: number): Promise<void> {
  await db.query('UPDATE kpi_values SET value = $3 WHERE height = $1 AND idx = $2 AND entry = 0', [
    height,
    index,
    value,
  ]);
}

type Fields = Omit<StorageRecord, 'checkCode'>;

/** An edit of the stored record (height, index) with its check code recomputed, as a careful attacker does. */
function rewrite(db: SqlDb, height: number, index: number, change: (r: Fields) => Fields): Promise<void> {
  return editRecord(db, height, index, (b) => {
    const { checkCode: _, ...fields } = decodeStorageRecord(b);
    return makeStorageRecord(change(fields));
  });
}

const found = (r: AuditReport) => r.findings.map((f) => [f.height, f.index, f.problem, f.field]);

/** `chain`, but its block 1 comes from validators the genesis does not know (a node forging it). */
function forgingBlockOne(chain: FakeChain) {
  const stranger = new FakeChain([0, 1, 2, 3].map((i) => ed25519FromSeed(bytes(32, 0x90 + i))));
  stranger.append([]);
  return {
    blocks: () => chain.blocks(1),
    getBlock: (h: number) => (h === 1 ? stranger.getBlock(1) : chain.getBlock(h)),
    trace: (t: Uint8Array) => chain.trace(t),
  };
}

beforeAll(...WARM_UP);

describe('trace', () => {
  it('gives the verified chain of evidence of a value', async () => {
    const { chain, deps } = await setup();
    const tc = hex(tracingCode(chain.built[1]!.envelopes[0]!));
    const e = await trace(tc, deps);
    expect(e.verified).toBe(true);
    expect(e.block.height).toBe(2);
    expect(e.storage.data).toMatchObject({ height: 2, index: 0 });
    expect(e.certificate.signers).toEqual([0, 1, 2]);
    expect(e.values[0]).toMatch(/Unemployment rate = 4.2 %/);
    const text = formatTrace(e);
    expect(text).toMatch(/VERIFIED/);
    expect(text).toMatch(/signed by validators \[0, 1, 2\] \(quorum 3 of 4\)/);
  });

  it('refuses a bundle that does not verify, and flags a tampered record', async () => {
    const { chain, db, deps } = await setup();
    const tc = hex(tracingCode(chain.built[0]!.envelopes[1]!));
    const lying = {
      blocks: () => chain.blocks(1),
      getBlock: (h: number) => chain.getBlock(h),
      trace: async (t: Uint8Array) => ({ ...(await chain.trace(t)), proof: [bytes(32, 9)] }),
    };
    const err = await trace(tc, { ...deps, chain: lying }).catch((e: unknown) => e);
    expect((err as PlatformError).code).toBe(PlatformErrorCode.Chain);
    await editRecord(db, 1, 1, (b) => {
      b[b.length - 1]! ^= 1;
      return b;
    });
    const e = await trace(tc, deps);
    expect(e.verified).toBe(false);
    expect(e.failure).toBe('CHECK_CODE_MISMATCH');
    await expect(trace('00'.repeat(32), deps)).rejects.toThrow(PlatformError);
  });
});

describe('audit', () => {
  it('passes on an untouched database', async () => {
    const { deps } = await setup();
    const r = await audit(deps);
    expect(r).toMatchObject({ fromHeight: 1, toHeight: 3, blocks: 3, records: 6, ok: true, findings: [] });
  });

  it('finds a tampered platform record (check code)', async () => {
    const { db, deps } = await setup();
    await editRecord(db, 2, 1, (b) => {
      const rec = decodeStorageRecord(b);
      return encodeStorageRecord({ ...rec, data: { ...rec.data, offset: rec.data.offset + 1 } });
    });
    const r = await audit(deps);
    expect(r.findings.map((f) => [f.height, f.index, f.problem])).toEqual([[2, 1, 'CHECK_CODE_MISMATCH']]);
    expect(formatAudit(r)).toMatch(/MISMATCH/);
  });

  it('finds a re-encrypted packet with a recomputed check code, and edited values', async () => {
    const { db, chain, deps } = await setup();
    const env = chain.built[2]!.envelopes[0]!;
    // The attacker re-seals a different value for the SCP key and rebuilds a self-consistent record.
    const fake = record(siteA, T0 + 3 * HOUR, [entry(UNEMPLOYMENT, 1.0)]);
    const header = {
      chainId,
      signerKeyId: keyIdOf(siteA.key.publicKey),
      seq: 3,
      time: fake.time + 1000,
      routing: { country: 156, city: siteA.city, siteId: siteA.siteId, kpiCodes: [UNEMPLOYMENT] },
    };
    const forger = ed25519FromSeed(bytes(32, 0x99));
    const sealed = sealKpiRecord(forger, encodeKpiRecord(fake), envelopeAad(header), {
      alg: SealAlgorithm.EphemeralX25519,
      scpPublicKey: scpKey.publicKey,
    });
    await editRecord(db, 3, 0, (b) => {
      const rec = decodeStorageRecord(b);
      return makeStorageRecord({
        ...rec,
        cityData: encodeSealedPacket(sealed),
        tracingCode: tracingCode(env),
      });
    });
    await editValue(db, 3, 0, 1.0);
    await editValue(db, 1, 0, 99);
    const r = await audit(deps);
    expect(r.findings.map((f) => [f.height, f.index, f.problem])).toEqual([
      [1, 0, 'VALUES_MISMATCH'],
      [3, 0, 'CITY_DATA_MISMATCH'],
    ]);
  });

  it('finds a deleted record and refuses blocks a node forged', async () => {
    const { db, chain, deps } = await setup();
    await db.query('DELETE FROM packets WHERE height = 2 AND idx = 1');
    const lying = forgingBlockOne(chain);
    const r = await audit({ ...deps, chain: lying }, { fromHeight: 1, toHeight: 2 });
    expect(r.findings.map((f) => [f.height, f.index, f.problem])).toEqual([
      [1, -1, 'BLOCK_UNVERIFIED'],
      [2, 1, 'MISSING_RECORD'],
    ]);
  });

  it('finds a block offset edited with a recomputed check code, whatever height the audit starts at', async () => {
    const { db, chain, deps } = await setup();
    const [first, second] = chain.built.map((b) => b.certifiedBlock.length);
    await rewrite(db, 3, 1, (r) => ({ ...r, block: { ...r.block, offset: r.block.offset + 7 } }));
    const offsetFinding = [3, 1, 'BLOCK_RECORDER_MISMATCH', 'block.offset'];
    expect(found(await audit(deps))).toEqual([offsetFinding]);
    // From a later height the blocks before it are read for their lengths: the same answer.
    for (const fromHeight of [2, 3]) {
      const r = await audit(deps, { fromHeight });
      expect(found(r)).toEqual([offsetFinding]);
      expect(r.findings[0]!.detail).toBe(
        `block.offset is ${first! + second! + 7}, chain has ${first! + second!}`,
      );
    }
    expect((await audit(deps, { toHeight: 2 })).ok).toBe(true);
  });

  const edits: [RecorderField, (r: Fields) => Fields][] = [
    ['data.height', (r) => ({ ...r, data: { ...r.data, height: r.data.height + 1 } })],
    ['data.index', (r) => ({ ...r, data: { ...r.data, index: r.data.index + 1 } })],
    ['data.offset', (r) => ({ ...r, data: { ...r.data, offset: r.data.offset + 1 } })],
    ['data.length', (r) => ({ ...r, data: { ...r.data, length: r.data.length - 1 } })],
    ['block.segment', (r) => ({ ...r, block: { ...r.block, segment: 1 } })],
    ['block.offset', (r) => ({ ...r, block: { ...r.block, offset: 0 } })],
    ['block.length', (r) => ({ ...r, block: { ...r.block, length: r.block.length + 64 } })],
  ];

  it.each(edits)('names an edited %s (check code recomputed) and nothing else', async (field, change) => {
    const { db, deps } = await setup();
    await rewrite(db, 2, 0, change);
    const problem = field.startsWith('data.') ? 'DATA_RECORDER_MISMATCH' : 'BLOCK_RECORDER_MISMATCH';
    expect(found(await audit(deps))).toEqual([[2, 0, problem, field]]);
  });

  it('after a block that does not verify, compares no later offset but every other field', async () => {
    const { db, chain, deps } = await setup();
    const lying = forgingBlockOne(chain);
    await rewrite(db, 3, 0, (r) => ({ ...r, block: { ...r.block, offset: 1 } }));
    await rewrite(db, 3, 1, (r) => ({ ...r, block: { ...r.block, length: 1 } }));
    const r = await audit({ ...deps, chain: lying }, { fromHeight: 2 });
    expect(found(r)).toEqual([
      [1, -1, 'BLOCK_UNVERIFIED', undefined],
      [3, 1, 'BLOCK_RECORDER_MISMATCH', 'block.length'],
    ]);
    expect(r.findings[0]!.detail).toMatch(/^before the range, read for its length: /);
  });
});
