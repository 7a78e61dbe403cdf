// Model-based test (fast-check commands): the store against a plain in-memory model of what was
// committed, through commits, reads, paginated queries, restarts and crashes that lose unsynced
// index writes. Blocks reported committed must always read back identically.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tracingCode } from '../../../crypto/hash.js';
import { MemoryDb, Store } from '../../../node/store/index.js';
import { type BuiltBlock, certifiedBlock, tempDir, testChain, upload } from './fixtures.js';

const chain = testChain({ sites: 3 });
const id = chain.genesis.chainId;

interface Model {
  blocks: BuiltBlock[];
  /** tracing code hex -> envelope */
  envelopes: Map<string, Uint8Array>;
  /** site index -> sorted (time, tc hex) */
  bySite: { time: number; tc: string }[][];
  seq: number;
}

interface Real {
  dir: string;
  db: MemoryDb;
  store: Store;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const allApplied = (n: number) => ({
  receipts: Array.from({ length: n }, () => ({ status: 1, reason: 0 })),
  stateChanges: [],
  stateRoot: new Uint8Array(32),
});

class CommitCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly uploads: { site: number; time: number }[]) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const envs = this.uploads.map((u) => upload(id, chain.sites[u.site]!, ++m.seq, u.time));
    const b = certifiedBlock(chain, m.blocks.length + 1, envs);
    const tip = await r.store.commit(b.bytes, b.decoded, allApplied(envs.length));
    m.blocks.push(b);
    envs.forEach((e, i) => {
      const tc = hex(tracingCode(e));
      m.envelopes.set(tc, e);
      const u = this.uploads[i]!;
      m.bySite[u.site]!.push({ time: u.time, tc });
      m.bySite[u.site]!.sort((a, b) => a.time - b.time || (a.tc < b.tc ? -1 : a.tc > b.tc ? 1 : 0));
    });
    expect(tip.height).toBe(m.blocks.length);
  }
  toString = () => `commit(${this.uploads.length})`;
}

class ReadCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.blocks.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const h = (this.pick % m.blocks.length) + 1;
    const b = m.blocks[h - 1]!;
    expect(await r.store.getBlock(h)).toEqual(b.bytes);
    expect(r.store.tip()?.height).toBe(m.blocks.length);
    for (const env of b.decoded.block.envelopes) {
      const found = await r.store.findEnvelope(tracingCode(env));
      expect(found?.envelope).toEqual(m.envelopes.get(hex(tracingCode(env))));
      expect(found?.data.height).toBe(h);
    }
  }
  toString = () => `read(${this.pick})`;
}

class QueryCmd implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly site: number,
    readonly from: number,
    readonly span: number,
    readonly pageSize: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const to = this.from + this.span;
    const expected = m.bySite[this.site]!.filter((e) => e.time >= this.from && e.time < to);
    const got: { time: number; tc: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await r.store.bySite(chain.sites[this.site]!.routing.siteId, this.from, to, {
        limit: this.pageSize,
        cursor,
      });
      expect(page.items.length).toBeLessThanOrEqual(this.pageSize);
      got.push(...page.items.map((i) => ({ time: i.time, tc: hex(i.tracingCode) })));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(got).toEqual(expected);
  }
  toString = () => `query(${this.site}, ${this.from}+${this.span}, page ${this.pageSize})`;
}

class RestartCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly crash: boolean) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    if (this.crash) {
      await r.store.log.close();
      r.db.crashUnsynced();
    } else await r.store.close();
    r.store = await Store.open(r.dir, { db: r.db.reopen(), segmentBytes: 16 * 1024 });
    expect(r.store.tip()?.height ?? 0).toBe(m.blocks.length);
  }
  toString = () => (this.crash ? 'crash' : 'restart');
}

const uploads = fc.array(
  fc.record({ site: fc.integer({ min: 0, max: 2 }), time: fc.integer({ min: 0, max: 50 }) }),
  {
    maxLength: 6,
  },
);

const commands = [
  uploads.map((u) => new CommitCmd(u)),
  fc.nat().map((p) => new ReadCmd(p)),
  fc
    .tuple(
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 50 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 1, max: 4 }),
    )
    .map(([s, f, span, p]) => new QueryCmd(s, f, span, p)),
  fc.boolean().map((c) => new RestartCmd(c)),
];

describe('store against a model', () => {
  it('agrees through commits, reads, queries, restarts and crashes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30 }), async (cmds) => {
        const tmp = tempDir();
        const db = new MemoryDb();
        // Small segments so that rolling over to new segment files is exercised too.
        const real: Real = {
          dir: tmp.dir,
          db,
          store: await Store.open(tmp.dir, { db, segmentBytes: 16 * 1024 }),
        };
        const model: Model = { blocks: [], envelopes: new Map(), bySite: [[], [], []], seq: 0 };
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds);
        } finally {
          await real.store.close();
          tmp.cleanup();
        }
      }),
      { numRuns: 25 },
    );
  });
});
