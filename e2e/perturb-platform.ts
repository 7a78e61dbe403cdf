// A manifest's perturbations aimed at the platform process (`"node": "platform"`): SIGKILL or a
// clean stop and a start again, SIGSTOP and SIGCONT, its links to every node cut, stalled or
// delayed (the fault proxies between it and the nodes' RPC ports), or a restart armed to die
// inside a block's database transaction. None takes a validator out; the platform invariant and
// its catch-up bound (runner.ts) are what they test.
import { pause } from '../api/retry.js';
import { FAILPOINT_ENV } from '../runtime/failpoints.js';
import type { Perturbation } from './manifest.js';
import type { E2EPlatform } from './platform.js';

/** Where an armed platform died: the point, how it ended, the block whose transaction it was in. */
export interface PlatformCrashRecord {
  point: string;
  how: string;
  logged: boolean;
  height: number;
}

export type PlatformPerturbation = Exclude<Perturbation, { kind: 'partition' } | { kind: 'disk-full' }>;

/**
 * Applies `p` to the platform and undoes it after its duration. `armed` is called once a crash
 * point has been reached (or failed to be): the load must go on until then. Resolves with the
 * crash the platform logged, for a crash point.
 */
export async function applyToPlatform(
  platform: E2EPlatform,
  p: PlatformPerturbation,
  signal: AbortSignal,
  log: (line: string) => void,
  armed: () => void = () => undefined,
): Promise<PlatformCrashRecord | undefined> {
  const hold = () => pause(p.durationMs, signal);
  const net = platform.net;
  // A fault lands on a platform that is running: its first start (making its database) may be slow.
  await platform.waitReady();
  switch (p.kind) {
    case 'kill':
    case 'restart': {
      const how = await platform.kill(p.kind === 'restart');
      log(`platform ended (${how}) at height ${platform.height}`);
      await hold();
      platform.start();
      await platform.waitReady();
      return undefined;
    }
    case 'pause':
      platform.pause();
      await hold();
      platform.resume();
      return undefined;
    case 'disconnect':
    case 'stall':
    case 'delay':
      if (p.kind === 'delay') await net.platformDelay(p.delayMs, p.jitterMs);
      else await net.platform(p.kind === 'disconnect' ? 'cut' : 'stall');
      await hold();
      await net.platform('heal');
      return undefined;
    case 'crash-point': {
      let crash: PlatformCrashRecord;
      try {
        crash = await crashPoint(platform, p, log);
      } finally {
        armed();
      }
      await hold();
      platform.start();
      await platform.waitReady();
      return crash;
    }
  }
}

/**
 * Stops the platform cleanly, starts it armed and waits for it to die at the point; one that
 * never gets there within waitMs is stopped and started again unarmed, and the perturbation fails.
 */
async function crashPoint(
  platform: E2EPlatform,
  p: Extract<Perturbation, { kind: 'crash-point' }>,
  log: (line: string) => void,
): Promise<PlatformCrashRecord> {
  const before = platform.crashes.length;
  await platform.kill(true);
  platform.mayExit = true;
  try {
    platform.start({ [FAILPOINT_ENV]: `${p.point}:${p.hit}` });
    log(`platform runs armed to die at ${p.point} (pass ${p.hit}) from height ${platform.height}`);
    const how = await platform.ended(p.waitMs);
    if (how === 'timeout') {
      await platform.kill();
      platform.start();
      throw new Error(`the platform did not reach ${p.point} within ${p.waitMs} ms`);
    }
    const crash = platform.crashes[before];
    if (crash === undefined) {
      platform.start();
      throw new Error(`the platform ended (${how}) but not at ${p.point}`);
    }
    log(`platform died at ${p.point} (${how}) inside block ${crash.height}'s transaction`);
    return { point: p.point, how, logged: true, height: crash.height };
  } finally {
    platform.mayExit = false;
  }
}
