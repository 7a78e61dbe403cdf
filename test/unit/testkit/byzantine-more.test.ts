// The test kit's replay, censor-site and flood modes: what the node puts on the wire (or keeps
// from its core), and that the switch takes them only as documented.
import { describe, expect, it } from 'vitest';
import { testkitSwitch } from '../../../cli/testkit-switch.js';
import { CENSOR_ENV, censorEntries, parseCensoredSigner } from '../../../testkit/censor.js';
import { DEFAULT_FLOOD, type FloodChannel, floodRound, floodService } from '../../../testkit/flood.js';
import { Replayer, type ReplaySend } from '../../../testkit/replay.js';

const send = (k: number): ReplaySend => ({
  to: k % 2 === 0 ? 'all' : 1,
  bytes: new Uint8Array([k & 0xff, k >> 8]),
});

describe('replay', () => {
  it('sends nothing old until minAge sends have left, then old sends to everyone, its own first', () => {
    const r = new Replayer((n) => n - 1, { keep: 8, perSend: 2, minAge: 3 });
    expect(r.next([send(0)])).toEqual([send(0)]);
    expect(r.next([send(1)])).toEqual([send(1)]);
    expect(r.next([send(2)])).toEqual([send(2)]);
    // Three remembered, minAge 3: none is old enough yet.
    expect(r.next([send(3)])).toEqual([send(3)]);
    const out = r.next([send(4)]);
    expect(out[0]).toEqual(send(4));
    expect(out.slice(1)).toEqual([
      { to: 'all', bytes: send(0).bytes },
      { to: 'all', bytes: send(0).bytes },
    ]);
  });

  it('remembers at most keep sends and replays only from the ones minAge old', () => {
    const picked: number[] = [];
    const r = new Replayer(
      (n) => {
        picked.push(n);
        return 0;
      },
      { keep: 5, perSend: 1, minAge: 2 },
    );
    for (let k = 0; k < 20; k++) r.next([send(k)]);
    expect(r.remembered).toBe(5);
    // With 5 remembered and minAge 2, the pick is among the 3 oldest; index 0 is send 14 (20 - 6).
    expect(picked.at(-1)).toBe(3);
    const out = r.next([send(20)]);
    expect(out[1]!.bytes).toEqual(send(15).bytes);
  });

  it('a pick out of range is clamped to the sends old enough', () => {
    const r = new Replayer(() => 1000, { keep: 10, perSend: 1, minAge: 4 });
    for (let k = 0; k < 6; k++) r.next([send(k)]);
    // Six remembered, two old enough (0 and 1): the clamp takes send 1, never a newer one.
    expect(r.next([send(6)])[1]!.bytes).toEqual(send(1).bytes);
  });
});

describe('censor-site', () => {
  const signer = 'ab'.repeat(16);
  it('keeps one signer from the core, passes everyone else', () => {
    const f = censorEntries<{ signer: string; n: number }>(signer);
    const out = f([
      { signer, n: 1 },
      { signer: 'cd'.repeat(16), n: 2 },
      { signer: signer.toUpperCase(), n: 3 },
    ]);
    expect(out.map((e) => e.n)).toEqual([2]);
  });

  it('parses a key ID strictly and goes only together with the mode', () => {
    expect(parseCensoredSigner(` ${signer.toUpperCase()} `)).toBe(signer);
    expect(() => parseCensoredSigner('abc')).toThrow(/32 hex digits/);
    expect(() => testkitSwitch(true, { BKDMS_TESTKIT_BYZANTINE: 'censor-site' })).toThrow(/go together/);
    expect(() => testkitSwitch(true, { BKDMS_TESTKIT_BYZANTINE: 'replay', [CENSOR_ENV]: signer })).toThrow(
      /go together/,
    );
    expect(() => testkitSwitch(false, { [CENSOR_ENV]: signer })).toThrow(/--testkit is not/);
    const kit = testkitSwitch(true, { BKDMS_TESTKIT_BYZANTINE: 'censor-site', [CENSOR_ENV]: signer });
    expect(kit?.options.censorRequests?.([{ signer } as never])).toEqual([]);
    expect(kit?.options.networkAttack).toBeUndefined();
  });
});

describe('flood', () => {
  const caps: Record<FloodChannel, number> = {
    'envelopes-topic': 1024 * 1024,
    'consensus-topic': 16 * 1024 * 1024,
    direct: 16 * 1024 * 1024,
    'direct-envelopes': 1024 * 1024,
    request: 64 * 1024,
    ping: 32,
  };
  const random = (n: number) => new Uint8Array(n).fill(0x5a);
  const frameLength = (h: Uint8Array) => new DataView(h.buffer, h.byteOffset, 4).getUint32(0);

  it('every channel gets garbage every round; small caps an oversized message every round', () => {
    const sends = floodRound(1, caps, random);
    for (const ch of Object.keys(caps) as FloodChannel[]) {
      expect(sends.filter((s) => s.channel === ch && s.what === 'garbage')).toHaveLength(
        DEFAULT_FLOOD.garbagePerRound,
      );
    }
    const over = sends.filter((s) => s.what === 'oversized').map((s) => s.channel);
    expect(over.sort()).toEqual(['direct-envelopes', 'envelopes-topic', 'ping', 'request']);
    // A topic's oversized message is whole and over the cap.
    const topic = sends.find((s) => s.channel === 'envelopes-topic' && s.what === 'oversized')!;
    expect(topic.chunks[0]!.length).toBe(caps['envelopes-topic'] + 1);
    // A stream's announces cap + 1 in its frame header, its body never sent whole.
    const stream = sends.find((s) => s.channel === 'request' && s.what === 'oversized')!;
    expect(frameLength(stream.chunks[0]!)).toBe(caps.request + 1);
    expect(stream.chunks[1]!.length).toBeLessThanOrEqual(caps.request);
    // Stream garbage is a well-formed frame: its decoder, not the framing, must refuse it.
    const g = sends.find((s) => s.channel === 'direct' && s.what === 'garbage')!;
    expect(frameLength(g.chunks[0]!)).toBe(g.chunks[1]!.length);
  });

  it('big caps get their oversized message only every bigEvery rounds', () => {
    const at = (round: number) =>
      floodRound(round, caps, random)
        .filter((s) => s.what === 'oversized')
        .map((s) => s.channel)
        .sort();
    expect(at(0)).toEqual([
      'consensus-topic',
      'direct',
      'direct-envelopes',
      'envelopes-topic',
      'ping',
      'request',
    ]);
    expect(at(DEFAULT_FLOOD.bigEvery)).toContain('consensus-topic');
    expect(at(DEFAULT_FLOOD.bigEvery + 1)).not.toContain('direct');
  });

  it('the service sends rounds until stopped, one at a time, and counts what reached a peer', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const channels = new Set<string>();
    let rounds = 0;
    const done = new Promise<void>((resolve) => {
      const svc = floodService(
        {
          caps: { ...caps, 'consensus-topic': 1024, direct: 1024 },
          async send(channel) {
            channels.add(channel);
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            await Promise.resolve();
            inFlight--;
            return channel === 'ping' ? 0 : 3;
          },
        },
        random,
        { ...DEFAULT_FLOOD, roundMs: 1 },
      );
      const check = setInterval(() => {
        rounds = svc.stats.rounds;
        if (rounds >= 3) {
          clearInterval(check);
          void svc.stop().then(() => {
            const after = svc.stats.rounds;
            expect(svc.stats.sent.garbage).toBe(after * 5 * DEFAULT_FLOOD.garbagePerRound);
            expect(svc.stats.sent.oversized).toBe(after * 5);
            resolve();
          });
        }
      }, 1);
      void svc.start();
    });
    await done;
    expect(channels.size).toBe(6);
    // One round's sends run together, rounds never overlap: at most one round's worth at once.
    expect(maxInFlight).toBeLessThanOrEqual(6 * (DEFAULT_FLOOD.garbagePerRound + 1));
  });

  it('the switch starts the flood as a network service', () => {
    const kit = testkitSwitch(true, { BKDMS_TESTKIT_BYZANTINE: 'flood' });
    expect(kit?.byzantine).toEqual(['flood']);
    expect(kit?.options.networkAttack).toBeTypeOf('function');
    expect(kit?.options.censorRequests).toBeUndefined();
  });
});
