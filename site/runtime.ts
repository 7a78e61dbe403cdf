// Runs a site from its parts: one collector per source, a seal loop, an upload loop and a progress
// line, all started and stopped here. The parts (sources, normalizer, envelope maker, uploader)
// are passed in, so tests run a whole site against fakes; run.ts builds the real ones from config.
import { join } from 'node:path';
import type { Logger } from '../runtime/log.js';
import { backoffDelay } from './backoff.js';
import { collect } from './collector.js';
import type { NodeReportStatus } from './node-reports.js';
import { Outbox, type OutboxLimits } from './outbox.js';
import type { EnvelopeMaker, Normalizer, SiteIdentity } from './parts.js';
import { DEFAULT_MAX_REMAKES, Remaker } from './remaker.js';
import { PeriodSealer } from './sealer.js';
import { SeqLock } from './seq-lock.js';
import { deferred, type Source } from './sources/source.js';
import { Spool } from './spool.js';
import { StateFile } from './state.js';
import { progressLine, SiteCounters, type SiteRunStatus } from './status.js';
import { UploadLoop, type UploadLoopOptions } from './upload-loop.js';
import type { Uploader } from './uploader.js';

export interface SiteParts {
  /** Builds the sources, each resuming from its saved cursor (undefined on first run). */
  makeSources(cursors: Readonly<Record<string, string>>): Source[];
  normalizer: Normalizer;
  maker: EnvelopeMaker;
  uploader: Uploader;
  identity: SiteIdentity;
  /**
   * The lowest sequence number the chain would still accept from this site (one past its last
   * pending seq), so a site whose data folder was lost never reuses one. Optional (tests).
   */
  seqFloor?: () => Promise<number>;
  /** Which nodes gave answers that did not verify (node-reports.ts), merged into status(). */
  nodeReports?: () => NodeReportStatus;
}

export interface SiteRuntimeOptions {
  name: string;
  dataDir: string;
  periodMs: number;
  closeAfterMs: number;
  sealEveryMs: number;
  progressMs: number;
  maxSpoolBytes: number;
  maxEntriesPerRecord: number;
  outbox: OutboxLimits;
  upload: UploadLoopOptions;
  exitWhenDrained: boolean;
}

export interface SiteEnv {
  now(): number;
  rand(): number;
  log: Logger;
  /** Where progress lines go (a terminal); omitted = no progress line. */
  print?: (line: string) => void;
}

export interface SiteHandle {
  status(): SiteRunStatus;
  /** Stops collection and uploading; everything collected stays on disk for the next start. */
  stop(): Promise<void>;
  /** Settles when the site stops: by stop(), by draining (exitWhenDrained), or with a source's error. */
  done: Promise<void>;
}

export async function startSite(
  parts: SiteParts,
  opts: SiteRuntimeOptions,
  env: SiteEnv,
): Promise<SiteHandle> {
  const counters = new SiteCounters();
  const spool = new Spool(join(opts.dataDir, 'spool'), opts.periodMs);
  const outbox = new Outbox(join(opts.dataDir, 'outbox'), opts.outbox);
  const state = new StateFile(join(opts.dataDir, 'state.json'));
  if (outbox.corruptOnOpen > 0)
    env.log.error({ moved: outbox.corruptOnOpen }, 'outbox entries failed their checks');
  for (const [oldSeq, newSeq] of outbox.supersededOnOpen)
    env.log.warn({ oldSeq, newSeq }, 'refused entry left by a crash next to its re-made one; removed');
  const base = { spool, outbox, state, counters, log: env.log };
  const lock = new SeqLock();
  const sealer = new PeriodSealer(
    { ...base, lock, normalizer: parts.normalizer, maker: parts.maker, identity: parts.identity },
    { periodMs: opts.periodMs, maxEntriesPerRecord: opts.maxEntriesPerRecord },
  );
  const remaker = new Remaker(
    { outbox, state, maker: parts.maker, lock, counters, log: env.log },
    opts.upload.maxRemakes ?? DEFAULT_MAX_REMAKES,
  );
  const uploads = new UploadLoop(
    { outbox, counters, uploader: parts.uploader, remaker, rand: env.rand, log: env.log },
    opts.upload,
  );
  const sources = parts.makeSources(state.get().cursors);
  const finished = new Set<string>();
  const abort = new AbortController();
  const waker = new Waker(abort.signal);

  // Crash repair must finish before anything is uploaded (see sealer.ts); it may need the chain
  // (SCP keys, chain ID), so it is retried while collection already runs.
  const recovered = deferred<void>();
  const recover = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await sealer.recover(env.now());
        if (parts.seqFloor) await raiseSeqFromChain(parts.seqFloor);
        if (attempt > 1) counters.set({ lastError: '' });
        return recovered.resolve();
      } catch (err) {
        if (abort.signal.aborted) return;
        const wait = backoffDelay(attempt, opts.upload.backoff, env.rand);
        counters.set({ lastError: err instanceof Error ? err.message : String(err) });
        env.log.warn(
          {
            error: String(err),
            waitMs: wait,
          },
          'recovery deferred; the chain may be unreachable',
        );
        await waker.wait(wait);
      }
    }
  };

  // The chain's view of the site's sequence numbers matters when the local state is new (or was
  // lost); otherwise the local state is authoritative and an unreachable chain must not stop sealing.
  const raiseSeqFromChain = async (seqFloor: () => Promise<number>): Promise<void> => {
    try {
      sealer.raiseSeq(await seqFloor());
    } catch (err) {
      if (state.fresh) throw err;
      env.log.warn({ error: String(err) }, 'chain unreachable; sealing continues from the local state');
    }
  };

  const collectors = sources.map(async (s) => {
    const deps = { ...base, sealer, maxSpoolBytes: opts.maxSpoolBytes, spoolFullWaitMs: opts.sealEveryMs };
    await collect(s, deps, abort.signal);
    finished.add(s.name);
    waker.wake();
  });
  const sealLoop = async (): Promise<void> => {
    await recover();
    while (!abort.signal.aborted) {
      const allEnded = finished.size === sources.length;
      if (sources.every((s) => finished.has(s.name) || s.caughtUp())) {
        if ((await sealer.sealClosed(env.now(), opts.closeAfterMs, allEnded)) > 0) waker.wake();
      }
      const drained = allEnded && spool.periods().length === 0 && outbox.depth() === 0;
      if (opts.exitWhenDrained && drained) return abort.abort();
      await waker.wait(opts.sealEveryMs);
    }
  };
  const uploadLoop = async (): Promise<void> => {
    await Promise.race([
      recovered.promise,
      new Promise((r) => abort.signal.addEventListener('abort', r, { once: true })),
    ]);
    while (!abort.signal.aborted) await waker.wait(await uploads.step(env.now()));
  };
  const progress = async (): Promise<void> => {
    if (!env.print || opts.progressMs === 0) return;
    const ticker = new Waker(abort.signal);
    // The wait also ends on stop, so the last line printed is the final state.
    while (!abort.signal.aborted) {
      await ticker.wait(opts.progressMs);
      env.print(progressLine(opts.name, counters.snapshot()));
    }
  };

  // The first failure stops every loop; done settles only once all of them have returned, so
  // nothing is still writing when stop() resolves.
  const tasks = [...collectors, sealLoop(), uploadLoop(), progress()].map((t) =>
    t.catch((err: unknown) => {
      abort.abort();
      throw err;
    }),
  );
  const done = Promise.allSettled(tasks).then((results) => {
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      const err: unknown = failed.reason;
      counters.set({ lastError: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  });
  done.catch(() => undefined);
  return {
    status: () => ({ ...counters.snapshot(), ...parts.nodeReports?.() }),
    stop: async () => {
      abort.abort();
      await done.catch(() => undefined);
    },
    done,
  };
}

/** An interruptible wait: ends after ms, on wake(), or when the signal aborts. */
export class Waker {
  private wakers = new Set<() => void>();

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', () => this.wake(), { once: true });
  }

  wake(): void {
    for (const w of this.wakers) w();
    this.wakers.clear();
  }

  wait(ms: number): Promise<void> {
    if (this.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}
