// The small persistent state of a site: the next envelope sequence number, the last sealed
// period, and each source's cursor. Rewritten atomically (temp + rename + dir fsync) so a crash
// leaves either the old or the new state, never a torn one. The sequence number is written
// before an envelope leaves the site and repaired upward from the outbox on open, so a restart
// can never reuse one (see outbox.ts and processor.ts for the order of writes).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SiteError, SiteErrorCode } from './errors.js';
import { writeFileDurable } from './fs-durable.js';

const stateSchema = z.object({
  version: z.literal(1),
  /** Sequence number the next envelope will carry (starts at 1). */
  nextSeq: z.number().int().positive(),
  /** Start of the newest period already sealed; readings for it or older are late. -1 = none. */
  sealedThrough: z.number().int().min(-1),
  cursors: z.record(z.string(), z.string()),
});

export type SiteState = z.infer<typeof stateSchema>;

export class StateFile {
  private state: SiteState;
  /** True when no state file existed: a new site, or one whose data folder was lost. */
  readonly fresh: boolean;

  constructor(private readonly path: string) {
    const found = readState(path);
    this.fresh = found === null;
    this.state = found ?? { version: 1, nextSeq: 1, sealedThrough: -1, cursors: {} };
  }

  get(): Readonly<SiteState> {
    return this.state;
  }

  update(change: Partial<SiteState>): void {
    const next = { ...this.state, ...change };
    writeFileDurable(this.path, `${JSON.stringify(next)}\n`);
    this.state = next;
  }
}

function readState(path: string): SiteState | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SiteError(SiteErrorCode.CorruptState, `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return stateSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new SiteError(
      SiteErrorCode.CorruptState,
      `state file ${path} is invalid: ${(err as Error).message}`,
    );
  }
}
