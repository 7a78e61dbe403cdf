// Model-based test (fast-check commands): the store against a plain in-memory model of what was
// committed, through commits (uploads applied, rejected, or re-sent), reads, receipts by tracing
// code, paginated site and city + KPI queries, restarts and crashes that lose unsynced index
// writes. Blocks reported committed must always read back identically. Model and commands:
// model-commands.ts.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Reason } from '../../../ledger/reasons.js';
import { MemoryDb, Store } from '../../../node/store/index.js';
import { KPIS, tempDir } from './fixtures.js';
import {
  CITIES,
  CommitCmd,
  emptyModel,
  QueryCmd,
  ReadCmd,
  type Real,
  ReceiptCmd,
  RestartCmd,
  SEGMENT_BYTES,
} from './model-commands.js';

const time = fc.integer({ min: 0, max: 50 });
const city = fc.integer({ min: 0, max: CITIES.length - 1 });

const uploadSpec = fc.record({
  site: fc.integer({ min: 0, max: 2 }),
  time,
  city,
  kpis: fc.subarray(KPIS, { minLength: 1 }),
  // Half of them rejected at execution.
  reject: fc.constantFrom(0, 0, Reason.SiteSuspended, Reason.KpiNotAllowed),
  // One in four a re-send of an earlier envelope.
  resend: fc.option(fc.nat(), { nil: undefined, freq: 4 }),
});

const page = fc.tuple(time, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 4 }));

// fast-check's default sizes make runs of a few commands and blocks of one or two envelopes, which
// left most queries empty: sizes 'max' (and commits listed twice) fill the store enough to page.
const commit = fc.array(uploadSpec, { minLength: 1, maxLength: 6, size: 'max' }).map((u) => new CommitCmd(u));

const commands = [
  commit,
  commit,
  fc.nat().map((p) => new ReadCmd(p)),
  fc.nat().map((p) => new ReceiptCmd(p)),
  fc
    .tuple(fc.integer({ min: 0, max: 2 }), page)
    .map(([site, [from, span, size]]) => new QueryCmd({ site }, from, span, size)),
  fc
    .tuple(city, fc.constantFrom(...KPIS), page)
    .map(([c, kpi, [from, span, size]]) => new QueryCmd({ city: c, kpi }, from, span, size)),
  fc.boolean().map((c) => new RestartCmd(c)),
];

describe('store against a model', () => {
  it('agrees through commits, reads, receipts, queries, restarts and crashes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: 'max' }), async (cmds) => {
        const tmp = tempDir();
        const db = new MemoryDb();
        // Small segments so that rolling over to new segment files is exercised too.
        const real: Real = {
          dir: tmp.dir,
          db,
          store: await Store.open(tmp.dir, { db, segmentBytes: SEGMENT_BYTES }),
        };
        const model = emptyModel();
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
