// The index batch of one block, byte for byte against the layout buckets.ts and docs/storage.md
// document (the batch builds its keys in shared buffers, so the layout is checked here directly),
// and the commit's reuse of tracing codes the node already computed.
import { describe, expect, it } from 'vitest';
import { envelopeRouting, envelopeTime } from '../../../codec/envelope-view.js';
import { tracingCode } from '../../../crypto/hash.js';
import { Bucket, key, u16, u64 } from '../../../node/store/buckets.js';
import { blockFacts } from '../../../node/store/facts.js';
import { cityKeyPart, indexOps } from '../../../node/store/index-batch.js';
import { decodeDataRecorder, decodeReceiptRef, ReceiptStatus } from '../../../node/store/values.js';
import { certifiedBlock, hexOf, testChain, upload } from './fixtures.js';

const hexKey = (k: Uint8Array) => hexOf(k);

describe('index batch', () => {
  const chain = testChain();
  const id = chain.genesis.chainId;
  const envs = [
    upload(id, chain.sites[0]!, 1, 1_700_000_000_123),
    upload(id, chain.sites[1]!, 1, 2 ** 40 + 7),
    upload(id, chain.sites[0]!, 2, 1_700_000_000_456),
  ];

  // 700 uploads need more than one 64 KiB key buffer: keys on both sides of a refill are checked.
  const many = Array.from({ length: 700 }, (_, i) =>
    upload(id, chain.sites[i % 2]!, 3 + i, 1_700_000_000_000 + i),
  );
  it.each([
    ['three uploads', envs],
    ['700 uploads', many],
  ])('writes the documented key and value of every per-envelope index (%s)', (_, envs) => {
    const b = certifiedBlock(chain, 9, envs);
    const loc = { segment: 2, offset: 4096, length: b.bytes.length };
    const facts = blockFacts(b.bytes, b.decoded);
    const receipts = envs.map((_, i) => ({
      status: i === 1 ? ReceiptStatus.Rejected : ReceiptStatus.Applied,
      reason: i === 1 ? 7 : 0,
    }));
    const ops = indexOps(facts, loc, { receipts, stateChanges: [], stateRoot: new Uint8Array(32) });
    const puts = new Map<string, Uint8Array>();
    for (const op of ops) if (op.type === 'put') puts.set(hexKey(op.key), op.value);

    envs.forEach((env, index) => {
      const tc = tracingCode(env);
      const trace = puts.get(hexKey(key(Bucket.Trace, tc)));
      const { siteId, country, city, kpiCodes } = envelopeRouting(env);
      const t = u64(envelopeTime(env));
      const siteKey = hexKey(key(Bucket.SiteTime, siteId, t, tc));
      const kpiKeys = kpiCodes.map((kpi) =>
        hexKey(key(Bucket.CityKpiTime, cityKeyPart(country, city), u16(kpi), t, tc)),
      );
      const rejected = puts.get(hexKey(key(Bucket.Rejected, tc)));
      if (index === 1) {
        // Rejected: in no per-envelope index, but its receipt is found by tracing code.
        expect(decodeReceiptRef(rejected!)).toEqual({ height: 9, index });
        expect(trace).toBeUndefined();
        expect(puts.has(siteKey)).toBe(false);
        for (const k of kpiKeys) expect(puts.has(k)).toBe(false);
        return;
      }
      expect(rejected).toBeUndefined();
      const at = facts.envelopes[index]!;
      expect(decodeDataRecorder(trace!)).toEqual({ height: 9, index, offset: at.offset, length: at.length });
      expect(puts.get(siteKey)).toEqual(new Uint8Array(0));
      expect(kpiCodes.length).toBeGreaterThan(0);
      for (const k of kpiKeys) expect(puts.get(k)).toEqual(new Uint8Array(0));
    });
    // Trace, SiteTime and one CityKpiTime per KPI for each applied upload, and nothing else.
    const perEnvelope = ops.filter((o) =>
      [Bucket.Trace, Bucket.SiteTime, Bucket.CityKpiTime].includes(o.key[0]!),
    );
    const applied = envs.filter((_, i) => i !== 1);
    expect(perEnvelope).toHaveLength(applied.reduce((n, e) => n + 2 + envelopeRouting(e).kpiCodes.length, 0));
    expect(ops.filter((o) => o.key[0] === Bucket.Rejected)).toHaveLength(1);
    expect(puts.get(hexKey(key(Bucket.Leaves, u64(9))))).toEqual(
      Uint8Array.from(envs.flatMap((e) => [...tracingCode(e)])),
    );
  });

  it('writes each contract state change under its ContractState key, deletes as deletes', () => {
    const b = certifiedBlock(chain, 9, envs);
    const facts = blockFacts(b.bytes, b.decoded);
    const enc = new TextEncoder();
    // Enough changes to cross a refill of the key buffer the per-envelope keys share.
    const stateChanges = Array.from({ length: 2000 }, (_, i) => ({
      key: enc.encode(`seq/${i.toString(16).padStart(32, '0')}`),
      value: i % 7 === 3 ? undefined : enc.encode(`{"hwm":${i}}`),
    }));
    const ops = indexOps(
      facts,
      { segment: 0, offset: 0, length: b.bytes.length },
      {
        receipts: [],
        stateChanges,
        stateRoot: new Uint8Array(32),
      },
    );
    const state = ops.filter((o) => o.key[0] === Bucket.ContractState);
    expect(state.map((o) => [hexKey(o.key), o.type])).toEqual(
      stateChanges.map((c) => [
        hexKey(key(Bucket.ContractState, c.key)),
        c.value === undefined ? 'del' : 'put',
      ]),
    );
    state.forEach((o, i) => {
      if (o.type === 'put') expect(o.value).toEqual(stateChanges[i]!.value);
    });
  });

  it('hashes the decoded block own envelope arrays with the hasher it is given', () => {
    const b = certifiedBlock(chain, 9, envs);
    const seen: Uint8Array[] = [];
    const facts = blockFacts(b.bytes, b.decoded, (env) => {
      seen.push(env);
      return tracingCode(env);
    });
    expect(seen).toHaveLength(envs.length);
    for (const [i, env] of seen.entries()) expect(env).toBe(b.decoded.block.envelopes[i]);
    expect(facts.envelopes.map((e) => hexOf(e.tracingCode))).toEqual(envs.map((e) => hexOf(tracingCode(e))));
  });
});
