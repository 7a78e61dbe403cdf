// The node's V8 heap cap (config `memory`, docs/operations.md "Memory"): which V8 flags it means,
// whether the running process already has them, and the rule that keeps the mempool's byte cap
// inside it, and the malloc library to preload. Pure: `bkdms node start` (cli/heap-reexec.ts)
// re-executes itself with the flags and the library.
import { isAbsolute } from 'node:path';
import { z } from 'zod';

/**
 * Live V8 heap of a node with an empty mempool, with margin: the soak measured 45–70 MB live after
 * a major GC (docs/performance.md, "Memory (soak)"). The mempool's byte cap must fit above it.
 */
export const HEAP_BASE_MB = 96;
/** The smallest old-space cap accepted: the base plus a 32 MB mempool. */
export const MIN_OLD_SPACE_MB = 128;

export const memoryConfigSchema = z.strictObject({
  /** V8 old-space cap (MB), as `node --max-old-space-size`; the node re-executes itself with it. */
  maxOldSpaceMb: z.number().int().min(MIN_OLD_SPACE_MB).max(65_536),
  /** V8 semi-space size (MB), as `node --max-semi-space-size`; the young generation is ~3× it. */
  maxSemiSpaceMb: z.number().int().min(1).max(256).optional(),
  /**
   * Absolute path of a malloc library to preload (LD_PRELOAD) in the node's process, e.g. Debian's
   * libjemalloc2 at /usr/lib/x86_64-linux-gnu/libjemalloc.so.2: glibc's main arena fragments
   * around the node's many small, mixed-lifetime buffers (docs/performance.md, "Memory (soak)").
   */
  mallocLibrary: z
    .string()
    .refine((p) => isAbsolute(p) && !/[\s:]/.test(p), 'an absolute path without spaces or colons')
    .optional(),
});

export type MemoryConfig = z.infer<typeof memoryConfigSchema>;

/** The V8 flags a memory config stands for, in the order node takes them. */
export function heapFlags(m: MemoryConfig): string[] {
  return [
    `--max-old-space-size=${m.maxOldSpaceMb}`,
    ...(m.maxSemiSpaceMb === undefined ? [] : [`--max-semi-space-size=${m.maxSemiSpaceMb}`]),
  ];
}

const flagName = (flag: string): string => flag.split('=')[0]!.replaceAll('_', '-');

/**
 * The arguments to re-execute node with so that `flags` apply (the process's own node options, with
 * any other value of the same flags removed, then `flags`, then the script and its arguments), or
 * undefined when every flag is already among `execArgv` or NODE_OPTIONS (`nodeOptions`; the
 * command line's flags win over it, so a different value there is overridden).
 */
export function reexecArgv(
  execArgv: string[],
  scriptArgv: string[],
  flags: string[],
  nodeOptions = '',
): string[] | undefined {
  const present = [...nodeOptions.split(/\s+/), ...execArgv];
  if (flags.every((f) => present.includes(f))) return undefined;
  const names = new Set(flags.map(flagName));
  return [...execArgv.filter((a) => !names.has(flagName(a))), ...flags, ...scriptArgv];
}

/**
 * Why a mempool byte cap does not fit a heap cap, or undefined when it does: a full mempool's
 * envelopes are counted at one heap byte per envelope byte (their Buffer objects, pool entries and
 * indexes; the backing stores themselves are outside the V8 heap), above HEAP_BASE_MB.
 */
export function mempoolOverHeap(memory: MemoryConfig, mempoolMaxBytes: number): string | undefined {
  const room = (memory.maxOldSpaceMb - HEAP_BASE_MB) * 1024 ** 2;
  if (mempoolMaxBytes <= room) return undefined;
  return (
    `mempool.maxBytes (${mempoolMaxBytes}) does not fit memory.maxOldSpaceMb ` +
    `(${memory.maxOldSpaceMb}): at most (maxOldSpaceMb - ${HEAP_BASE_MB}) MiB = ${room} bytes; ` +
    'lower mempool.maxBytes or raise memory.maxOldSpaceMb'
  );
}

/**
 * The LD_PRELOAD value that adds the memory config's malloc library to `current` (the process's
 * own LD_PRELOAD), or undefined when there is none to add or it is already there. The library goes
 * first: the first object that defines malloc wins.
 */
export function preloadValue(m: MemoryConfig, current = ''): string | undefined {
  if (m.mallocLibrary === undefined) return undefined;
  const present = current.split(/[\s:]+/).filter(Boolean);
  if (present.includes(m.mallocLibrary)) return undefined;
  return [m.mallocLibrary, ...present].join(' ');
}
