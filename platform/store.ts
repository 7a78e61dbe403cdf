// The platform database (Y.4907 §8.3, the KPI management module's storage): Table 10-3 storage
// records, decrypted KPI values, packet outcomes and failures, accepted session offers, the
// ledger's contract state and the extraction cursor, in SQL (schema: sql-schema.ts) on PGlite or
// a PostgreSQL server (sql-open.ts). One block = one transaction holding its packets, offers,
// contract state changes and the new cursor, so a crash leaves either the whole block or none of
// it: the extractor resumes at cursor.height + 1 with exactly the contract state of that height.

import type { StateChange } from '../ledger/execution.js';
import { crashAt, failpointDue } from '../runtime/failpoints.js';
import type { AuditReport } from './audit.js';
import { PlatformError, PlatformErrorCode } from './errors.js';
import type { StoredPacket } from './outcome.js';
import { bytes, num, type SqlDb, storeError } from './sql-db.js';
import { migrate } from './sql-migrate.js';
import { MemoryDb } from './sql-pglite-memory.js';
import { PACKET_SELECT, withValues } from './store-read.js';
import { insertOffers, insertPackets, writeState } from './store-write.js';

/** Where the extractor resumes (not a PBFT checkpoint, codec's Checkpoint). */
export interface ExtractorCheckpoint {
  height: number;
  /** Hash of the block at `height` (hex): the next block's parent. */
  blockHash: string;
  /** Sum of the encoded certified blocks' lengths up to `height`: the next block's chain offset. */
  chainOffset: number;
  /** State root (hex) after executing the block at `height`: the contract state hashes to it. */
  stateRoot: string;
  /**
   * Frontier (hex, largest subtree first) of the block-hash log over blocks 0..height
   * (crypto/hash-log.ts): the next header's hashLogRoot is its root.
   */
  hashLog: string[];
}

export interface BlockBatch {
  checkpoint: ExtractorCheckpoint;
  packets: StoredPacket[];
  /** Session offers accepted in this block (96-byte values). */
  offers: Uint8Array[];
  /** Contract state writes of this block (of the genesis too, with the first block). */
  stateChanges: StateChange[];
}

export interface HeightRange {
  fromHeight?: number;
  toHeight?: number;
}

const PAGE = 500;
const NO_TOP = Number.MAX_SAFE_INTEGER;

export class PlatformStore {
  private ready: Promise<unknown> | undefined;

  /** The store over `db`; the schema is brought up to date on first use (see `opened`). */
  constructor(readonly db: SqlDb) {}

  /** A store in memory (a schema of the process's in-memory PGlite): tests, throw-away runs. */
  static memory(): PlatformStore {
    return new PlatformStore(new MemoryDb());
  }

  /** The store over `db` with its schema migrated now (a refused version is reported here). */
  static async opened(db: SqlDb): Promise<PlatformStore> {
    const store = new PlatformStore(db);
    try {
      await store.schema();
    } catch (err) {
      await db.close().catch(() => {});
      throw storeError('open', err);
    }
    return store;
  }

  private schema(): Promise<unknown> {
    this.ready ??= migrate(this.db);
    return this.ready;
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      await this.schema();
      return await fn();
    } catch (err) {
      throw storeError(what, err);
    }
  }

  async checkpoint(): Promise<ExtractorCheckpoint | undefined> {
    return this.run('read', async () => {
      const [r] = await this.db.query('SELECT * FROM extract_cursor WHERE id = 1');
      if (r === undefined) return undefined;
      return {
        height: num(r.height),
        blockHash: String(r.block_hash),
        chainOffset: num(r.chain_offset),
        stateRoot: String(r.state_root),
        // The block-hash log's frontier (never empty: block 0 is a leaf); a cursor written before
        // the column existed cannot be resumed from.
        hashLog: hashLogOf(r.hash_log, num(r.height)),
      };
    });
  }

  /** The contract state entries as of the checkpoint (key, canonical value bytes), by key. */
  async stateEntries(): Promise<[string, Uint8Array][]> {
    return this.run('read', async () => {
      const rows = await this.db.query('SELECT key, value FROM contract_state ORDER BY key COLLATE "C"');
      return rows.map((r) => [String(r.key), bytes(r.value)] as [string, Uint8Array]);
    });
  }

  /** Writes one processed block in one transaction; refuses a height that does not follow the cursor. */
  async commit(batch: BlockBatch): Promise<void> {
    const cp = batch.checkpoint;
    await this.run('write', () =>
      this.db.transaction(async (tx) => {
        const [row] = await tx.query(
          'SELECT height FROM extract_cursor WHERE id = 1 FOR UPDATE',
          [],
          'platform_cursor_lock',
        );
        const prev = row === undefined ? 0 : num(row.height);
        if (cp.height !== prev + 1)
          throw new PlatformError(PlatformErrorCode.OutOfOrder, `block ${cp.height} after ${prev}`, {
            height: cp.height,
            expected: prev + 1,
          });
        await insertPackets(tx, batch.packets);
        await insertOffers(tx, cp.height, batch.offers);
        await writeState(tx, batch.stateChanges);
        await tx.query(
          `INSERT INTO extract_cursor (id, height, block_hash, chain_offset, state_root, hash_log)
           VALUES (1, $1, $2, $3, $4, $5::text[])
           ON CONFLICT (id) DO UPDATE SET height = EXCLUDED.height, block_hash = EXCLUDED.block_hash,
             chain_offset = EXCLUDED.chain_offset, state_root = EXCLUDED.state_root,
             hash_log = EXCLUDED.hash_log`,
          [cp.height, cp.blockHash, cp.chainOffset, cp.stateRoot, cp.hashLog],
          'platform_cursor_write',
        );
        // Test-only crash point (armed by `platform run --testkit`): the whole block is written
        // inside the transaction, which a SIGKILL here leaves uncommitted.
        if (failpointDue('platform-block-tx')) crashAt('platform-block-tx', { height: cp.height });
      }),
    );
  }

  /** The packet with this tracing code (the last one, should the chain carry it twice). */
  async packet(tracingCodeHex: string): Promise<StoredPacket | undefined> {
    return this.run('read', async () => {
      const rows = await this.db.query(
        `${PACKET_SELECT} WHERE p.tracing_code = $1 ORDER BY p.height DESC, p.idx DESC LIMIT 1`,
        [tracingCodeHex.toLowerCase()],
      );
      return (await withValues(this.db, rows))[0];
    });
  }

  /** Packets in chain order (height, then index) within the inclusive height range. */
  async *packets(range: HeightRange = {}): AsyncIterable<StoredPacket> {
    let after: [number, number] = [range.fromHeight ?? 0, -1];
    const top = range.toHeight ?? NO_TOP;
    for (;;) {
      const page = await this.run('read', async () => {
        const rows = await this.db.query(
          `${PACKET_SELECT} WHERE (p.height, p.idx) > ($1, $2) AND p.height <= $3
           ORDER BY p.height, p.idx LIMIT ${PAGE}`,
          [after[0], after[1], top],
        );
        return withValues(this.db, rows);
      });
      yield* page;
      const last = page[page.length - 1];
      if (last === undefined || page.length < PAGE) return;
      after = [last.meta.height, last.meta.index];
    }
  }

  async offers(): Promise<Uint8Array[]> {
    return this.run('read', async () => {
      const rows = await this.db.query('SELECT offer FROM session_offers ORDER BY height, offer');
      return rows.map((r) => bytes(r.offer));
    });
  }

  /** Keeps an audit's report and findings (audit_runs, audit_findings); resolves with its run ID. */
  async saveAudit(report: AuditReport, at: number): Promise<number> {
    return this.run('write', () =>
      this.db.transaction(async (tx) => {
        const [run] = await tx.query(
          `INSERT INTO audit_runs (at, from_height, to_height, blocks, records, ok)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [at, report.fromHeight, report.toHeight, report.blocks, report.records, report.ok],
        );
        const id = num(run?.id);
        const f = report.findings;
        if (f.length > 0)
          await tx.query(
            `INSERT INTO audit_findings (run_id, n, height, idx, tracing_code, problem, field, detail)
             SELECT $1, n, h, i, t, p, fl, d FROM unnest($2::integer[], $3::bigint[], $4::integer[],
               $5::text[], $6::text[], $7::text[], $8::text[]) AS u(n, h, i, t, p, fl, d)`,
            [
              id,
              f.map((_, n) => n),
              f.map((x) => x.height),
              f.map((x) => x.index),
              f.map((x) => x.tracingCode),
              f.map((x) => x.problem),
              f.map((x) => x.field ?? null),
              f.map((x) => x.detail),
            ],
          );
        return id;
      }),
    );
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

function hashLogOf(v: unknown, height: number): string[] {
  if (Array.isArray(v) && v.length > 0) return v.map(String);
  throw new PlatformError(
    PlatformErrorCode.Store,
    'the platform database has no block-hash log in its cursor: move the data folder aside and ' +
      'extract again into an empty one (docs/platform.md)',
    { height },
  );
}
