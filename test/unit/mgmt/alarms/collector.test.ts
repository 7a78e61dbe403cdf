// The collector's reading of a node into a snapshot: connections by validator, peers' signed tips
// against our own block hashes (a divergence becomes a condition), proposers' clocks from block
// times, SCP key expiry and the supervisor's restart notice.
import { describe, expect, it } from 'vitest';
import type { Footprint } from '../../../../consensus/replica.js';
import { ed25519FromSeed } from '../../../../crypto/ed25519.js';
import { ContractState } from '../../../../ledger/state.js';
import { listClients } from '../../../../ledger/xchain/client.js';
import { XK } from '../../../../ledger/xchain/records.js';
import type { Committed } from '../../../../node/chain/chain.js';
import { parseRestart, SignalCollector, scpKeyNotAfter } from '../../../../node/mgmt/alarms/collector.js';
import { alarmsConfigSchema } from '../../../../node/mgmt/alarms/config.js';
import { evaluateRules } from '../../../../node/mgmt/alarms/rules.js';
import { peerIdOfPublicKey } from '../../../../node/p2p/index.js';

const keys = [0, 1, 2, 3].map((i) => ed25519FromSeed(new Uint8Array(32).fill(i + 1)).publicKey);
const NOW = 1_800_000_000_000;

function collector(
  tips: { key: Uint8Array; height: number; digest: Uint8Array }[],
  state = new ContractState(),
) {
  const c = new SignalCollector({
    replica: {
      state: { view: 0, inViewChange: false, height: 9, applied: 9, stableSeq: 0, primary: 0, self: 0 },
      peerTips: () => tips,
      footprint: () => ({ transferQueue: 0 }) as Footprint,
      stats: { dropped: {}, viewChanges: 2, blocksCommitted: 0, blocksTransferred: 0 },
    },
    connectedPeers: () => [peerIdOfPublicKey(keys[1]!), peerIdOfPublicKey(keys[2]!)],
    validators: () => keys,
    pending: () => 4,
    faults: { votesSent: 11, evidence: [{ offender: keys[3]!, at: NOW - 1 }] },
    scpKeys: () => [],
    dataDir: '/',
    xchainClients: () => listClients(state),
    clock: () => NOW,
  });
  return c;
}

const committed = (height: number, hashFill: number, proposer: number, time: number) =>
  ({
    block: { block: { header: { height, proposer, time, stateRoot: new Uint8Array(32) } } },
    tip: { hash: new Uint8Array(32).fill(hashFill) },
  }) as unknown as Committed;

describe('signal collector', () => {
  it('reads connections, tips, counters and proposers\u2019 clocks, and a divergence is a condition', () => {
    const c = collector([
      { key: keys[1]!, height: 9, digest: new Uint8Array(32).fill(0xaa) },
      { key: keys[2]!, height: 9, digest: new Uint8Array(32).fill(0xbb) },
    ]);
    c.onCommitted(committed(9, 0xaa, 2, NOW + 7000));
    const s = c.snapshot();
    expect(s.validators.map((v) => v.connected)).toEqual([true, true, true, false]);
    expect(s.validators[1]).toMatchObject({ height: 9, hash: 'aa'.repeat(32) });
    expect(s.validators[2]).toMatchObject({ skewMs: 7000 });
    expect(s.hashes[9]).toBe('aa'.repeat(32));
    expect(s).toMatchObject({ self: 0, height: 9, pending: 4, viewChanges: 2, votesSent: 11 });
    expect(s.evidence).toEqual([{ offender: 3, at: NOW - 1 }]);
    expect(s.disk?.total).toBeGreaterThan(0);
    const t = alarmsConfigSchema.parse({}).thresholds;
    const ids = evaluateRules({ now: s, t }).map((x) => `${x.rule}:${x.subject}`);
    expect(ids).toContain('block-hash-divergence:peer-2');
    expect(ids).not.toContain('block-hash-divergence:peer-1');
    expect(ids).toContain('clock-skew:peer-2');
    expect(ids).toContain('equivocation:peer-3');
    expect(ids).toContain('peer-unreachable:peer-3');
  });

  it('reads the light clients from contract state and judges their age with the node clock', () => {
    const state = new ContractState();
    const client = (clientId: number, latestHeight: number, frozenHeight = 0) => ({
      clientId,
      chainId: 'ee'.repeat(32),
      trustingPeriodMs: 9000,
      maxClockDriftMs: 10,
      relayers: [],
      latestHeight,
      heights: [latestHeight],
      schedule: [],
      provenAt: latestHeight,
      frozenHeight,
      since: 1,
    });
    state.put(XK.client(1), client(1, 20));
    state.put(XK.consensus(1, 20), { height: 20, time: NOW - 4000 });
    state.put(XK.client(2), client(2, 30, 25));
    const s = collector([], state).snapshot();
    expect(s.xchainClients).toEqual([
      {
        clientId: 1,
        chainId: 'ee'.repeat(32),
        frozenHeight: 0,
        latestHeight: 20,
        latestTime: NOW - 4000,
        trustingPeriodMs: 9000,
      },
      {
        clientId: 2,
        chainId: 'ee'.repeat(32),
        frozenHeight: 25,
        latestHeight: 30,
        latestTime: undefined,
        trustingPeriodMs: 9000,
      },
    ]);
    const t = alarmsConfigSchema.parse({}).thresholds;
    const ids = evaluateRules({ now: s, t }).map((x) => `${x.rule}:${x.subject}`);
    expect(ids.filter((i) => i.startsWith('xchain'))).toEqual([
      'xchain-client-expiring:client-1',
      'xchain-client-frozen:client-2',
    ]);
  });

  it("compares each certified header's state root with the one this node computed through the block before", () => {
    const root = (fill: number) => new Uint8Array(32).fill(fill);
    const block = (height: number, chainRoot: number, ourRoot: number) =>
      ({
        block: { block: { header: { height, proposer: 0, time: NOW, stateRoot: root(chainRoot) } } },
        tip: { hash: root(height), stateRoot: root(ourRoot) },
      }) as unknown as Committed;
    const c = collector([]);
    c.noteTip(4, root(4), root(0x10));
    c.onCommitted(block(5, 0x10, 0x11));
    expect(c.snapshot().stateRootMismatch).toBeUndefined();
    // Block 6 says the state through 5 is 0x99; this node computed 0x11.
    c.onCommitted(block(6, 0x99, 0x12));
    expect(c.snapshot().stateRootMismatch).toEqual({
      height: 6,
      ours: '11'.repeat(32),
      chain: '99'.repeat(32),
    });
    const t = alarmsConfigSchema.parse({}).thresholds;
    const found = evaluateRules({ now: c.snapshot(), t }).find((x) => x.rule === 'state-root-divergence');
    expect(found).toMatchObject({ subject: 'self', severity: 'critical' });
    expect(found?.cause).toMatch(
      /through height 5 has root 1111111111111111…; block 6, .* says 9999999999999999…/,
    );
    // A jump (a snapshot installed at 20) compares nothing; agreeing again clears the finding.
    c.onCommitted(block(20, 0x55, 0x20));
    expect(c.snapshot().stateRootMismatch).toMatchObject({ height: 6 });
    c.onCommitted(block(21, 0x20, 0x21));
    expect(c.snapshot().stateRootMismatch).toBeUndefined();
  });

  it('takes the latest expiry of the SCP keys not retired, and parses the restart notice', () => {
    const k = (notBefore: number, notAfter: number, retired = false) => ({
      keyId: new Uint8Array(8),
      publicKey: new Uint8Array(32),
      notBefore,
      notAfter,
      retired,
    });
    expect(scpKeyNotAfter([k(0, 100), k(50, 300), k(0, 900, true)], 60)).toBe(300);
    expect(scpKeyNotAfter([], 60)).toBeUndefined();
    expect(parseRestart('2,1700,was killed by SIGKILL')).toEqual({
      count: 2,
      at: 1700,
      reason: 'was killed by SIGKILL',
    });
    expect(parseRestart('garbage')).toBeUndefined();
    expect(parseRestart(undefined)).toBeUndefined();
  });
});
