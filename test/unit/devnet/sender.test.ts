import { describe, expect, it } from 'vitest';
import type { BkdmsClient } from '../../../api/client.js';
import { type UploadResult, UploadStatus } from '../../../api/types.js';
import type { GeneratedLoad } from '../../../devnet/load/generate.js';
import type { DriverPlan, LoadMode } from '../../../devnet/load/plan.js';
import { driveLanes, newSendState } from '../../../devnet/load/sender.js';

/** 2 lanes of 10 one-byte envelopes (the byte is the envelope's index), lane l on node l. */
function load(): GeneratedLoad {
  const envelopes = Array.from({ length: 20 }, (_, i) => Uint8Array.of(i));
  const lanes = [0, 1].map((l) => ({ node: l, order: Array.from({ length: 10 }, (_, k) => l * 10 + k) }));
  return { envelopes, byTracingCode: new Map(), lanes };
}

/** A node that accepts everything except what `refuse` says, recording what it accepted in order. */
function fakeClient(accepted: number[], refuse: (i: number, call: number) => string | undefined) {
  let calls = 0;
  return {
    async uploadBatch(envs: Uint8Array[]): Promise<UploadResult[]> {
      calls++;
      return envs.map((e) => {
        const reason = refuse(e[0]!, calls);
        if (reason === undefined) accepted.push(e[0]!);
        return {
          status: reason === undefined ? UploadStatus.Accepted : UploadStatus.Rejected,
          tracingCode: new Uint8Array(32),
          reason: reason ?? '',
          message: '',
          retryAfterMs: 0,
        };
      });
    },
  } as unknown as BkdmsClient;
}

function plan(mode: LoadMode): DriverPlan {
  return { mode, batch: 4, durationMs: 10_000 } as DriverPlan;
}

/** Runs both lanes open loop with no pending cap against nodes refusing as `refuse` says. */
async function openRun(refuse: (i: number, call: number) => string | undefined) {
  const got: number[][] = [[], []];
  const clients = [0, 1].map((l) => fakeClient(got[l]!, refuse));
  const s = newSendState(20);
  const mode = { kind: 'open', maxPending: 1000 } as const;
  await driveLanes({ load: load(), clients, plan: plan(mode), clock: () => 0, pending: () => 0 }, s);
  return { got, s };
}

describe('driveLanes', () => {
  it('re-sends envelopes refused for a transient reason before any later batch of the lane', async () => {
    const { got, s } = await openRun((i, call) => (i === 2 && call === 1 ? 'MEMPOOL_FULL' : undefined));
    expect(got[0]).toEqual([0, 1, 3, 2, 4, 5, 6, 7, 8, 9]);
    expect(got[1]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(s.accepted).toBe(20);
    expect(s.sent).toBe(21);
    expect(s.rejected).toEqual({ MEMPOOL_FULL: 1 });
  });

  it('does not re-send envelopes refused for good, and counts them by reason', async () => {
    const { s } = await openRun((i) => (i % 5 === 0 ? 'UNAUTHORIZED' : undefined));
    expect(s.rejected).toEqual({ UNAUTHORIZED: 4 });
    expect(s.accepted).toBe(16);
    expect(s.sent).toBe(20);
  });

  it('offers no more than the fixed rate allows by the clock', async () => {
    let now = 0;
    const got: number[][] = [[], []];
    const clients = [0, 1].map((l) => fakeClient(got[l]!, () => undefined));
    const s = newSendState(20);
    // 1000/s over 2 lanes: by t = 6 ms each lane may have sent 3; the clock then passes the end.
    const clock = (): number => {
      now += 1;
      return now > 12 ? 10_001 : Math.min(now, 6);
    };
    await driveLanes(
      { load: load(), clients, plan: plan({ kind: 'rate', perSecond: 1000 }), clock, pending: () => 0 },
      s,
    );
    expect(got[0]!.length).toBeLessThanOrEqual(3);
    expect(got[1]!.length).toBeLessThanOrEqual(3);
    expect(s.sent).toBeGreaterThan(0);
  });

  it('holds back in open loop while the pending cap is reached', async () => {
    const got: number[][] = [[], []];
    const clients = [0, 1].map((l) => fakeClient(got[l]!, () => undefined));
    const s = newSendState(20);
    let t = 0;
    await driveLanes(
      {
        load: load(),
        clients,
        plan: plan({ kind: 'open', maxPending: 4 }),
        clock: () => (t++ > 30 ? 10_001 : 0),
        pending: () => s.accepted,
      },
      s,
    );
    // Each lane may start one batch of 4 before the first answers push pending to the cap.
    expect(s.accepted).toBeLessThanOrEqual(8);
    expect(s.accepted).toBeGreaterThan(0);
  });
});
