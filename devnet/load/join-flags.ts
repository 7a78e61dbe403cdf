// The flags of bench/join-main.ts (the join benchmark) and the one figure it derives (pure: no I/O).

export interface JoinFlags {
  /** Validators started as processes (the joiners are observers of all of them). */
  validators: number;
  /** Envelopes committed before the joins are timed (the chain's size). */
  envelopes: number;
  /** Synthetic sites the load is spread over (each site's envelopes reach one node in order). */
  sites: number;
  /** Chain parameter maxBlockEnvelopes: with E, how many blocks the chain has. */
  blockEnvelopes: number;
  /** Chain parameter snapshotInterval: the newest snapshot is at most this far below the tip. */
  snapshotInterval: number;
  /** Where the JSON result goes. */
  out: string;
  help: boolean;
}

export class JoinFlagError extends Error {}

const DEFAULTS: JoinFlags = {
  validators: 1,
  envelopes: 100_000,
  sites: 20,
  blockEnvelopes: 1000,
  snapshotInterval: 10,
  out: 'bench/results/join.json',
  help: false,
};

const NUMERIC = ['validators', 'envelopes', 'sites', 'block-envelopes', 'snapshot-interval'] as const;

/** Parses `--name value` pairs; anything unknown, missing or not a positive integer is refused. */
export function parseJoinFlags(argv: readonly string[]): JoinFlags {
  const flags: JoinFlags = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      flags.help = true;
      continue;
    }
    const name = a.startsWith('--') ? a.slice(2) : '';
    const value = argv[i + 1];
    if (name === 'out') {
      if (value === undefined || value.startsWith('--')) throw new JoinFlagError('--out: a file path');
      flags.out = value;
      i++;
      continue;
    }
    if (!(NUMERIC as readonly string[]).includes(name)) throw new JoinFlagError(`unknown argument ${a}`);
    const n = Number(value);
    if (!(Number.isSafeInteger(n) && n > 0)) throw new JoinFlagError(`--${name}: a positive integer`);
    i++;
    if (name === 'snapshot-interval') flags.snapshotInterval = n;
    else if (name === 'block-envelopes') flags.blockEnvelopes = n;
    else flags[name as 'validators' | 'envelopes' | 'sites'] = n;
  }
  if (flags.sites > flags.envelopes) throw new JoinFlagError('--sites: at most --envelopes');
  return flags;
}

/** How many times faster the state-sync join was than the replay join, to one decimal. */
export function speedup(replayMs: number, stateSyncMs: number): number {
  if (!(replayMs > 0 && stateSyncMs > 0)) throw new JoinFlagError('join times must be positive');
  return Math.round((replayMs / stateSyncMs) * 10) / 10;
}

export const JOIN_USAGE = `usage: node build/bench/join-main.js [--validators N] [--envelopes E] [--sites S]
       [--block-envelopes B] [--snapshot-interval K] [--out FILE]

Starts N validators (processes, default 1), loads them to E committed envelopes (default 100000)
over S sites (default 20) in blocks of at most B (default 1000) with snapshotInterval K (default
10), then times two fresh observers joining until they report the tip: one by state sync, one by
block replay (state sync off).
Prints the JSON result and writes it to FILE (default bench/results/join.json); progress on stderr.`;
