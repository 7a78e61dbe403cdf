// The background pruner: every `retain.intervalMs` it computes the retain height (retention.ts)
// and deletes at most `retain.stepsPerRun` whole block-log segments below it, one bounded step
// (node/store/prune.ts) at a time, yielding to the event loop between steps so commits go on.
// Reported in the operation log (`store.pruned`, `store.prune.failed`) and in metrics. With
// `retain.archiveDir` each segment is archived (node/store/archive-write.ts) before it goes, and
// recorded in the archive index PRUNED answers name segments from (node/store/archive-index.ts).
import { setImmediate as yieldNow } from 'node:timers/promises';
import { Counter, Gauge, type Registry } from 'prom-client';
import { decodeBlockHeader } from '../codec/block.js';
import type { Service } from '../runtime/lifecycle.js';
import type { Logger } from '../runtime/log.js';
import type { Followers } from './followers.js';
import { firstHeightSince, parseDuration, type RetainConfig, readHolds, retainHeight } from './retention.js';
import { type ArchiveIndex, archiveSegments, type Store } from './store/index.js';

export interface PrunerDeps {
  store: Store;
  dataDir: string;
  retain: RetainConfig;
  followers?: Followers;
  /** With `retain.archiveDir`: told of each segment archived, so PRUNED answers can name it. */
  archiveIndex?: ArchiveIndex;
  log: Logger;
  registry?: Registry;
  now?: () => number;
}

export interface PruneRun {
  retainHeight: number;
  segments: number;
  blocks: number;
  bytes: number;
  earliestHeight: number;
}

export interface PruneMetrics {
  earliest: Gauge;
  retain: Gauge;
  segments: Counter;
  blocks: Counter;
  bytes: Counter;
  failures: Counter;
}

/** The pruner's series (bkdms_store_*), registered in `registers`. */
export function registerPruneMetrics(registers: Registry[]): PruneMetrics {
  return {
    earliest: new Gauge({
      name: 'bkdms_store_earliest_height',
      help: 'Lowest height whose block body is held',
      registers,
    }),
    retain: new Gauge({
      name: 'bkdms_store_retain_height',
      help: 'Retain height of the last pruning run',
      registers,
    }),
    segments: new Counter({
      name: 'bkdms_store_pruned_segments_total',
      help: 'Block-log segments deleted by pruning',
      registers,
    }),
    blocks: new Counter({
      name: 'bkdms_store_pruned_blocks_total',
      help: 'Block bodies deleted by pruning',
      registers,
    }),
    bytes: new Counter({
      name: 'bkdms_store_pruned_bytes_total',
      help: 'Bytes of block-log segments deleted',
      registers,
    }),
    failures: new Counter({
      name: 'bkdms_store_prune_failures_total',
      help: 'Pruning runs that failed',
      registers,
    }),
  };
}

export class Pruner implements Service {
  readonly name = 'pruner';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly m: PruneMetrics | undefined;

  constructor(private readonly d: PrunerDeps) {
    this.m = d.registry === undefined ? undefined : registerPruneMetrics([d.registry]);
    this.m?.earliest.set(d.store.earliestHeight());
  }

  /** Whether a policy is configured at all (without one the node keeps every body). */
  get enabled(): boolean {
    return this.d.retain.blocks !== undefined || this.d.retain.age !== undefined;
  }

  async start(): Promise<void> {
    if (!this.enabled) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.runLogged());
    }, this.d.retain.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** The retain height now: the policy lowered by every hold. */
  async retainHeight(): Promise<number> {
    const { store, retain } = this.d;
    const tip = store.tipHeight();
    const holds = readHolds(this.d.dataDir).map((h) => h.height);
    const follower = this.d.followers?.floor();
    if (follower !== undefined) holds.push(follower);
    const ageMs = retain.age === undefined ? undefined : parseDuration(retain.age);
    const ageHeight =
      ageMs === undefined
        ? undefined
        : await firstHeightSince(
            1,
            tip,
            (this.d.now ?? Date.now)() - ageMs,
            async (h) => decodeBlockHeader(await store.getHeader(h)).time,
          );
    return retainHeight({ tip, blocks: retain.blocks, ageHeight, holds });
  }

  /** One run: up to stepsPerRun segments. Throws what failed (the store stays consistent). */
  async runOnce(): Promise<PruneRun> {
    const retain = await this.retainHeight();
    this.m?.retain.set(retain);
    const run: PruneRun = { retainHeight: retain, segments: 0, blocks: 0, bytes: 0, earliestHeight: 0 };
    for (let i = 0; i < this.d.retain.stepsPerRun && !this.stopped; i++) {
      const step = await this.d.store.pruneStep(await this.archiveBefore(retain));
      if (step.segment === undefined) break;
      run.segments++;
      run.blocks += step.blocks;
      run.bytes += step.bytes;
      this.m?.segments.inc();
      this.m?.blocks.inc(step.blocks);
      this.m?.bytes.inc(step.bytes);
      this.d.log.info(
        {
          event: 'store.pruned',
          segment: step.segment,
          blocks: step.blocks,
          bytes: step.bytes,
          earliestHeight: step.earliest,
          retainHeight: retain,
        },
        'pruned a block-log segment',
      );
      await yieldNow();
    }
    run.earliestHeight = this.d.store.earliestHeight();
    this.m?.earliest.set(run.earliestHeight);
    return run;
  }

  /**
   * With `retain.archiveDir`: copies the oldest segment not yet archived below `retain` (throws
   * when it cannot: the run stops before deleting anything), and lowers the height pruning may
   * reach to the archive's top + 1, so only archived segments are ever deleted.
   */
  private async archiveBefore(retain: number): Promise<number> {
    const dir = this.d.retain.archiveDir;
    if (dir === undefined) return retain;
    const run = await archiveSegments(this.d.store, dir, { below: retain, maxSegments: 1 });
    for (const s of run.written) {
      this.d.archiveIndex?.record(s);
      this.d.log.info(
        { event: 'store.archived', file: s.file, firstHeight: s.firstHeight, lastHeight: s.lastHeight },
        'archived a block-log segment',
      );
    }
    return Math.min(retain, run.top + 1);
  }

  private async runLogged(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.runOnce();
    } catch (err) {
      this.m?.failures.inc();
      this.d.log.warn({ event: 'store.prune.failed', err }, 'pruning run failed; retried next interval');
    }
  }
}
