// What the site last read from the chain, kept in dataDir/chain.json so that a site restarted
// while the chain is unreachable can still seal: the SCP key directory (only ever one that came
// with a verified state proof: `provenScpKeys`; the `scpKeys` of older files, taken from whichever
// node answered, is ignored) and the KPI codes it is registered for. `chainId` is still read from
// older files but no longer decides anything: the trust anchor names the chain. All of it is public; a key's validity
// window is still checked against the clock at every use, and fresh answers replace the file.
// Public or not, it is 0600 like every file of the data folder (the folder is the site's alone).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileDurable } from './fs-durable.js';
import type { ScpKey } from './seal-keys.js';

const hex = z.string().regex(/^([0-9a-f]{2})*$/);
const cacheSchema = z.object({
  chainId: hex.optional(),
  /** Written by older sites from unverified answers: parsed, never used. */
  scpKeys: z.array(z.unknown()).optional(),
  provenScpKeys: z
    .array(z.object({ keyId: hex, publicKey: hex, notBefore: z.number().int(), notAfter: z.number().int() }))
    .optional(),
  kpiCodes: z.array(z.number().int().positive()).optional(),
});

type CacheFile = z.infer<typeof cacheSchema>;

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

export class ChainCache {
  private data: CacheFile;

  /** `path` undefined: an in-memory cache (nothing survives a restart). */
  constructor(private readonly path?: string) {
    this.data = path === undefined ? {} : read(path);
  }

  chainId(): Uint8Array | undefined {
    return this.data.chainId === undefined ? undefined : fromHex(this.data.chainId);
  }

  scpKeys(): ScpKey[] | undefined {
    return this.data.provenScpKeys?.map((k) => ({
      ...k,
      keyId: fromHex(k.keyId),
      publicKey: fromHex(k.publicKey),
    }));
  }

  kpiCodes(): ReadonlySet<number> | undefined {
    return this.data.kpiCodes === undefined ? undefined : new Set(this.data.kpiCodes);
  }

  /** `scpKeys`: only a directory that came with a verified proof. */
  save(change: { chainId?: Uint8Array; scpKeys?: ScpKey[]; kpiCodes?: number[] }): void {
    const next: CacheFile = { ...this.data };
    if (change.chainId) next.chainId = toHex(change.chainId);
    if (change.kpiCodes) next.kpiCodes = [...change.kpiCodes];
    if (change.scpKeys) {
      delete next.scpKeys;
      next.provenScpKeys = change.scpKeys.map((k) => ({
        ...k,
        keyId: toHex(k.keyId),
        publicKey: toHex(k.publicKey),
      }));
    }
    if (this.path !== undefined && JSON.stringify(next) !== JSON.stringify(this.data)) {
      writeFileDurable(this.path, `${JSON.stringify(next, null, 2)}\n`);
    }
    this.data = next;
  }
}

/** A missing or unreadable cache is an empty one: it only ever saves a round trip to the chain. */
function read(path: string): CacheFile {
  try {
    return cacheSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return {};
  }
}
