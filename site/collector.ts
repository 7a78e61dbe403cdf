// Pumps one source into the spool: each batch is checked (invalid rows and readings for periods
// already sealed are dropped and counted), appended durably, and only then is the source's cursor
// saved and the next batch requested. When the spool passes its byte cap the pump waits, which
// holds the source back (a push source then answers 503) instead of filling the disk.
import type { Logger } from '../runtime/log.js';
import type { PeriodSealer } from './sealer.js';
import type { Source } from './sources/source.js';
import { pause } from './sources/source.js';
import type { Spool } from './spool.js';
import type { StateFile } from './state.js';
import { type SiteCounters, SiteDropReason } from './status.js';

export interface CollectorDeps {
  spool: Spool;
  state: StateFile;
  sealer: PeriodSealer;
  counters: SiteCounters;
  log: Logger;
  /** Largest spool (all periods) before sources are held back, bytes. */
  maxSpoolBytes: number;
  /** How long to wait between checks while the spool is full, ms. */
  spoolFullWaitMs: number;
}

/** Runs until the source ends (one-shot) or `signal` aborts. */
export async function collect(source: Source, deps: CollectorDeps, signal: AbortSignal): Promise<void> {
  const { spool, state, sealer, counters, log } = deps;
  for await (const batch of source.batches(signal)) {
    if (batch.sourceError !== undefined) reportSourceError(source.name, batch.sourceError, deps);
    for (const bad of batch.invalid) {
      counters.drop(SiteDropReason.InvalidInput);
      log.info(
        {
          reason: SiteDropReason.InvalidInput,
          source: bad.source,
          id: bad.id,
          detail: bad.reason,
        },
        'reading dropped',
      );
    }
    const fresh = batch.readings.filter((r) => !sealer.isLate(r.time));
    const late = batch.readings.length - fresh.length;
    if (late > 0) {
      counters.drop(SiteDropReason.Late, late);
      log.info({ reason: SiteDropReason.Late, source: source.name, count: late }, 'readings dropped');
    }
    if (fresh.length > 0) spool.append(fresh);
    counters.add('collected', fresh.length);
    if (batch.cursor !== undefined)
      state.update({ cursors: { ...state.get().cursors, [source.name]: batch.cursor } });
    counters.set({ spooledPeriods: spool.periods().length });
    while (spool.totalBytes() > deps.maxSpoolBytes && !signal.aborted)
      await pause(deps.spoolFullWaitMs, signal);
  }
}

/** A source that cannot read (and retries) shows in status until it reads again. */
function reportSourceError(name: string, error: string, { counters, log }: CollectorDeps): void {
  const was = counters.snapshot().sourceErrors[name];
  counters.setSourceError(name, error);
  if (error === '') {
    if (was !== undefined) log.info({ source: name }, 'source reading again');
    return;
  }
  log.warn({ source: name, error }, 'source cannot read its input; retrying');
}
