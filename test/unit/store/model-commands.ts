// The model and commands of model.test.ts: what the store must answer after a sequence of commits
// (uploads applied or rejected, some of them re-sends of earlier envelopes), restarts and crashes.
import type fc from 'fast-check';
import { expect } from 'vitest';
import { CityScheme } from '../../../codec/types.js';
import { tracingCode } from '../../../crypto/hash.js';
import { Reason } from '../../../ledger/reasons.js';
import {
  type ExecutionResult,
  type MemoryDb,
  type Receipt,
  ReceiptStatus,
  Store,
  type StoredReceipt,
} from '../../../node/store/index.js';
import { type BuiltBlock, certifiedBlock, testChain, upload } from './fixtures.js';

export const chain = testChain({ sites: 3 });
export const CITIES = [
  { scheme: CityScheme.UnLocode, code: 'CNSHA' },
  { scheme: CityScheme.UnLocode, code: 'CNBJS' },
];
export const COUNTRY = 156;
export const SEGMENT_BYTES = 16 * 1024;

/** One envelope of a commit: a new upload, or (resend) a re-send of an earlier envelope. */
export interface UploadSpec {
  site: number;
  time: number;
  city: number;
  kpis: number[];
  /** 0: applied; else the rejection reason the execution gives it. */
  reject: number;
  /** Picks an envelope already committed (applied or not) to send again. */
  resend: number | undefined;
}

interface Sent extends Omit<UploadSpec, 'reject' | 'resend'> {
  env: Uint8Array;
  tc: string;
}

type Entry = { time: number; tc: string };

export interface Model {
  blocks: BuiltBlock[];
  /** Execution result of each block, to re-execute it identically when a restart re-indexes it. */
  execs: ExecutionResult[];
  /** Every envelope committed, in order of first commit. */
  sent: Sent[];
  /** tracing code hex -> height of the applied copy */
  applied: Map<string, number>;
  /** tracing code hex -> expected receipt by code: the applied one, else the latest rejection */
  receipts: Map<string, Omit<StoredReceipt, 'tracingCode'>>;
  /** `site` or `city|kpi` -> applied entries sorted by (time, tracing code) */
  index: Map<string, Entry[]>;
  seq: number;
}

export interface Real {
  dir: string;
  db: MemoryDb;
  store: Store;
}

export const emptyModel = (): Model => ({
  blocks: [],
  execs: [],
  sent: [],
  applied: new Map(),
  receipts: new Map(),
  index: new Map(),
  seq: 0,
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const byTimeThenCode = (a: Entry, b: Entry) => a.time - b.time || (a.tc < b.tc ? -1 : a.tc > b.tc ? 1 : 0);

function addToIndex(m: Model, name: string, e: Entry): void {
  const list = m.index.get(name) ?? [];
  list.push(e);
  list.sort(byTimeThenCode);
  m.index.set(name, list);
}

export class CommitCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly uploads: UploadSpec[]) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const h = m.blocks.length + 1;
    const sends = this.uploads.map((u): Sent => {
      const again = u.resend === undefined ? undefined : m.sent[u.resend % Math.max(1, m.sent.length)];
      if (again !== undefined) return again;
      const routing = { city: CITIES[u.city]!, kpiCodes: u.kpis };
      const env = upload(chain.genesis.chainId, chain.sites[u.site]!, ++m.seq, u.time, routing);
      return { ...u, env, tc: hex(tracingCode(env)) };
    });
    // As the contracts would: a copy of an envelope applied before (in this block too) is a rejected replay.
    const appliedNow = new Set<string>();
    const receipts = sends.map((s, i): Receipt => {
      const replay = m.applied.has(s.tc) || appliedNow.has(s.tc);
      const reason = replay ? Reason.SeqReplayed : this.uploads[i]!.reject;
      if (reason !== 0) return { status: ReceiptStatus.Rejected, reason };
      appliedNow.add(s.tc);
      return { status: ReceiptStatus.Applied, reason: 0 };
    });
    const b = certifiedBlock(
      chain,
      h,
      sends.map((s) => s.env),
    );
    const exec = { receipts, stateChanges: [], stateRoot: new Uint8Array(32).fill(h % 256) };
    const tip = await r.store.commit(b.bytes, b.decoded, exec);
    m.blocks.push(b);
    m.execs.push(exec);
    sends.forEach((s, index) => {
      if (!m.sent.includes(s)) m.sent.push(s);
      const rc = receipts[index]!;
      if (rc.status === ReceiptStatus.Rejected) {
        if (!m.applied.has(s.tc)) m.receipts.set(s.tc, { ...rc, height: h, index });
        return;
      }
      m.applied.set(s.tc, h);
      m.receipts.set(s.tc, { ...rc, height: h, index });
      addToIndex(m, `${s.site}`, { time: s.time, tc: s.tc });
      for (const kpi of s.kpis) addToIndex(m, `${s.city}|${kpi}`, { time: s.time, tc: s.tc });
    });
    expect(tip.height).toBe(h);
  }
  toString = () =>
    `commit(${this.uploads.map((u) => (u.resend === undefined ? u.reject : 'resend')).join()})`;
}

export class ReadCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.blocks.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const h = (this.pick % m.blocks.length) + 1;
    const b = m.blocks[h - 1]!;
    expect(await r.store.getBlock(h)).toEqual(b.bytes);
    expect(r.store.tip()?.height).toBe(m.blocks.length);
    const stored = await r.store.receipts(h);
    expect(stored.map(({ status, reason }) => ({ status, reason }))).toEqual(m.execs[h - 1]!.receipts);
    for (const env of b.decoded.block.envelopes) {
      const found = await r.store.findEnvelope(tracingCode(env));
      const height = m.applied.get(hex(tracingCode(env)));
      expect(found?.data.height).toBe(height);
      if (height !== undefined) expect(found?.envelope).toEqual(env);
    }
  }
  toString = () => `read(${this.pick})`;
}

/** The receipt by tracing code of a committed envelope (or of an unknown code), and `committed`. */
export class ReceiptCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const s = m.sent[this.pick % (m.sent.length + 1)];
    const tc = s === undefined ? new Uint8Array(32).fill(0xee) : tracingCode(s.env);
    const expected = s && m.receipts.get(s.tc);
    const got = await r.store.receipt(tc);
    expect(got).toEqual(expected && { ...expected, tracingCode: tc });
    expect(await r.store.committed([tc])).toEqual([s !== undefined && m.applied.has(s.tc)]);
  }
  toString = () => `receipt(${this.pick})`;
}

/** A paged query by site (city undefined) or by city + KPI, read to the end page by page. */
export class QueryCmd implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly q: { site: number } | { city: number; kpi: number },
    readonly from: number,
    readonly span: number,
    readonly pageSize: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const to = this.from + this.span;
    const name = 'site' in this.q ? `${this.q.site}` : `${this.q.city}|${this.q.kpi}`;
    const expected = (m.index.get(name) ?? []).filter((e) => e.time >= this.from && e.time < to);
    const got: Entry[] = [];
    let cursor: string | undefined;
    do {
      const opts = { limit: this.pageSize, cursor };
      const page =
        'site' in this.q
          ? await r.store.bySite(chain.sites[this.q.site]!.routing.siteId, this.from, to, opts)
          : await r.store.byCityKpi(COUNTRY, CITIES[this.q.city]!, this.q.kpi, this.from, to, opts);
      expect(page.items.length).toBeLessThanOrEqual(this.pageSize);
      got.push(...page.items.map((i) => ({ time: i.time, tc: hex(i.tracingCode) })));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(got).toEqual(expected);
  }
  toString = () => `query(${JSON.stringify(this.q)}, ${this.from}+${this.span}, page ${this.pageSize})`;
}

/** Reopens the store (after a crash losing unsynced index writes, or cleanly); re-indexed blocks re-execute as before. */
export class RestartCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly crash: boolean) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    if (this.crash) {
      await r.store.log.close();
      r.db.crashUnsynced();
    } else await r.store.close();
    r.store = await Store.open(r.dir, {
      db: r.db.reopen(),
      segmentBytes: SEGMENT_BYTES,
      execute: (cb) => m.execs[cb.block.header.height - 1]!,
    });
    expect(r.store.tip()?.height ?? 0).toBe(m.blocks.length);
  }
  toString = () => (this.crash ? 'crash' : 'restart');
}
