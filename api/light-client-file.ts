// A light client's state in a small JSON file, written atomically (temporary file, fsync, rename),
// so a restarted site or platform resumes from the last proven validator schedule instead of
// refetching from genesis. A missing or malformed file is no state: the client starts from its
// anchor again, which costs one proven read and is always sound (nothing in the file is trusted
// beyond what the anchor check in LightClient accepts).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { z } from 'zod';
import type { LightClientState, LightClientStore } from './light-client.js';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const stateSchema = z
  .object({
    chainId: hex32,
    schedule: z
      .array(z.object({ activateAt: z.number().int().nonnegative(), value: z.array(hex32).min(1).max(256) }))
      .min(1)
      .max(4096),
    provenAt: z.number().int().positive(),
  })
  .strict();

export class LightClientFile implements LightClientStore {
  constructor(private readonly path: string) {}

  load(): LightClientState | undefined {
    try {
      return stateSchema.parse(JSON.parse(readFileSync(this.path, 'utf8'))) as LightClientState;
    } catch {
      return undefined;
    }
  }

  save(state: LightClientState): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(state)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
