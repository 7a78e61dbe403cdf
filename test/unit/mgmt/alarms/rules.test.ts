// Every rule through the engine: raised only once its condition held for the hold time, cleared
// once it stayed away for clearMs (then in the history), a flap shorter than the hold never
// raised, and acknowledged by ID. The snapshots are built by hand with an injected clock.
import { describe, expect, it } from 'vitest';
import { alarmsConfigSchema } from '../../../../node/mgmt/alarms/config.js';
import { AlarmEngine } from '../../../../node/mgmt/alarms/engine.js';
import { evaluateRules, span } from '../../../../node/mgmt/alarms/rules.js';
import type { Snapshot } from '../../../../node/mgmt/alarms/signals.js';
import { RULES, type RuleId } from '../../../../node/mgmt/alarms/types.js';

const STEP = 1000;
const HOLD = 5000;
const CLEAR = 3000;
const DAY = 86_400_000;
const MiB = 1024 ** 2;

const cfg = alarmsConfigSchema.parse({
  holdMs: Object.fromEntries(RULES.map((r) => [r, HOLD])),
  clearMs: CLEAR,
  thresholds: {
    windowMs: 2000,
    memoryWindowMs: 2000,
    memoryGrowthBytes: 150 * MiB,
    evidenceMs: 1000,
    restartNoticeMs: 1000,
    memberNoticeMs: 1000,
  },
});

function healthy(now = 1_700_000_000_000): Snapshot {
  return {
    now,
    self: 0,
    validators: [0, 1, 2, 3].map((index) => ({ index, connected: true, height: 10 })),
    height: 10,
    hashes: { 10: 'aa' },
    pending: 5,
    catchingUp: false,
    inViewChange: false,
    viewChanges: 0,
    votesSent: 0,
    evidence: [],
    disk: { free: 100 * 1024 ** 3, total: 200 * 1024 ** 3 },
    rssBytes: 200 * MiB,
    tlsNotAfter: now + 100 * DAY,
    scpKeyNotAfter: now + 100 * DAY,
    xchainClients: [
      {
        clientId: 1,
        chainId: 'cd'.repeat(32),
        frozenHeight: 0,
        latestHeight: 40,
        latestTime: now - 1000,
        trustingPeriodMs: DAY,
      },
    ],
  };
}

/** One step of a simulated node: healthy progress unless `bad` says what goes wrong. */
type Fault = (s: Snapshot) => void;
const faults: Record<RuleId, { id: string; bad: Fault }> = {
  'peer-unreachable': {
    id: 'peer-unreachable:peer-2',
    bad: (s) => {
      s.validators[2]!.connected = false;
    },
  },
  'quorum-at-risk': {
    id: 'quorum-at-risk:chain',
    bad: (s) => {
      s.validators[2]!.connected = false;
    },
  },
  'quorum-lost': {
    id: 'quorum-lost:chain',
    bad: (s) => {
      s.validators[2]!.connected = false;
      s.validators[3]!.connected = false;
    },
  },
  'height-stalled': {
    id: 'height-stalled:chain',
    bad: (s) => {
      s.height--;
    },
  },
  'validator-not-voting': {
    id: 'validator-not-voting:self',
    bad: (s) => {
      s.votesSent -= 2;
    },
  },
  'view-change-storm': {
    id: 'view-change-storm:chain',
    bad: (s) => {
      s.viewChanges += 2;
    },
  },
  equivocation: {
    id: 'equivocation:peer-3',
    bad: (s) => {
      s.evidence.push({ offender: 3, at: s.now });
    },
  },
  'block-hash-divergence': {
    id: 'block-hash-divergence:peer-1',
    bad: (s) => {
      s.validators[1]!.hash = 'bb';
      s.validators[1]!.height = s.height;
    },
  },
  'state-root-divergence': {
    id: 'state-root-divergence:self',
    bad: (s) => {
      s.stateRootMismatch = { height: s.height, ours: 'aa'.repeat(32), chain: 'bb'.repeat(32) };
    },
  },
  'snapshot-divergence': {
    id: 'snapshot-divergence:peer-3',
    bad: (s) => {
      s.snapshotDivergence = [{ peer: 3, height: 1000, ours: 'aa'.repeat(32), theirs: 'bb'.repeat(32) }];
    },
  },
  lagging: {
    id: 'lagging:self',
    bad: (s) => {
      s.validators[1]!.height = s.height + 20;
    },
  },
  'disk-free-low': {
    id: 'disk-free-low:data',
    bad: (s) => {
      s.disk = { free: 10 * MiB, total: 200 * 1024 ** 3 };
    },
  },
  'memory-growth': {
    id: 'memory-growth:process',
    bad: (s) => {
      s.rssBytes += 100 * MiB;
    },
  },
  'clock-skew': {
    id: 'clock-skew:peer-1',
    bad: (s) => {
      s.validators[1]!.skewMs = 12_000;
    },
  },
  'tls-cert-expiry': {
    id: 'tls-cert-expiry:rpc',
    bad: (s) => {
      s.tlsNotAfter = s.now + 1000;
    },
  },
  'scp-key-expiry': {
    id: 'scp-key-expiry:scp',
    bad: (s) => {
      s.scpKeyNotAfter = s.now - 1000;
    },
  },
  'node-restarted': {
    id: 'node-restarted:process',
    bad: (s) => {
      s.restarts = { count: 1, at: s.now, reason: 'SIGKILL' };
    },
  },
  'membership-changed': {
    id: `membership-changed:validator-enter-${'ab'.repeat(8)}-h7`,
    bad: (s) => {
      s.memberChanges = [
        { at: s.now, height: 7, proposal: 'p1', kind: 'validator', op: 'enter', id: 'ab'.repeat(32) },
      ];
    },
  },
  'xchain-client-frozen': {
    id: 'xchain-client-frozen:client-1',
    bad: (s) => {
      s.xchainClients![0]!.frozenHeight = 39;
    },
  },
  'xchain-client-expired': {
    id: 'xchain-client-expired:client-1',
    bad: (s) => {
      s.xchainClients![0]!.latestTime = s.now - DAY;
    },
  },
  'xchain-client-expiring': {
    id: 'xchain-client-expiring:client-1',
    bad: (s) => {
      s.xchainClients![0]!.latestTime = s.now - DAY / 2;
    },
  },
};

/** Drives an engine through a timeline: each step healthy progress, then the fault when `bad`. */
class Sim {
  readonly engine = new AlarmEngine(cfg);
  private s = healthy();
  private persistent = { rss: 200 * MiB, height: 10, votes: 0, views: 0 };

  constructor(private readonly fault: Fault) {}

  get now(): number {
    return this.s.now;
  }

  step(bad: boolean): void {
    const p = this.persistent;
    const s = healthy(this.s.now + STEP);
    p.height++;
    p.votes += 2;
    Object.assign(s, { height: p.height, votesSent: p.votes, viewChanges: p.views, rssBytes: p.rss });
    s.hashes = { [p.height]: 'aa' };
    for (const v of s.validators) v.height = p.height;
    if (bad) this.fault(s);
    // What the fault did to the counters persists (a stalled height stays where it stopped).
    Object.assign(p, { height: s.height, votes: s.votesSent, views: s.viewChanges, rss: s.rssBytes });
    this.s = s;
    this.engine.evaluate(structuredClone(s));
  }

  run(ms: number, bad: boolean): void {
    for (let t = 0; t < ms; t += STEP) this.step(bad);
  }

  alarm(id: string) {
    return this.engine.list().find((a) => a.id === id);
  }
}

describe.each(RULES)('rule %s', (rule) => {
  const { id, bad } = faults[rule];

  it('is no condition of a healthy snapshot', () => {
    const s = healthy();
    expect(evaluateRules({ now: s, t: cfg.thresholds })).toEqual([]);
  });

  it('is raised only after its hold time, acknowledged, and cleared after clearMs', () => {
    const sim = new Sim(bad);
    sim.run(10_000, false);
    expect(sim.engine.list()).toEqual([]);
    const faultAt = sim.now;
    let raisedAt: number | undefined;
    for (let t = 0; t < 20_000 && raisedAt === undefined; t += STEP) {
      sim.step(true);
      if (sim.alarm(id) !== undefined) raisedAt = sim.now;
    }
    expect(raisedAt, `${id} raised`).toBeDefined();
    expect(raisedAt! - faultAt).toBeGreaterThanOrEqual(HOLD);
    const a = sim.alarm(id)!;
    expect(a).toMatchObject({ rule, state: 'raised', runbook: `docs/operations.md#alarm-${rule}` });
    expect(a.cause.length).toBeGreaterThan(0);
    expect(sim.engine.ack(id, 'operator-1', sim.now)).toBe(true);
    expect(sim.alarm(id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'operator-1' });
    sim.step(true);
    expect(sim.alarm(id)?.state).toBe('acknowledged');
    const healedAt = sim.now;
    let clearedAt: number | undefined;
    for (let t = 0; t < 20_000 && clearedAt === undefined; t += STEP) {
      sim.step(false);
      if (sim.alarm(id) === undefined) clearedAt = sim.now;
    }
    expect(clearedAt, `${id} cleared`).toBeDefined();
    expect(clearedAt! - healedAt).toBeGreaterThanOrEqual(CLEAR);
    const h = sim.engine.historyList().find((x) => x.id === id);
    expect(h).toMatchObject({ state: 'cleared', clearedAt, acknowledgedBy: 'operator-1' });
  });

  it('is never raised by a flap shorter than its hold time', () => {
    const sim = new Sim(bad);
    sim.run(10_000, false);
    for (let k = 0; k < 8; k++) {
      sim.run(2000, true);
      sim.run(4000, false);
      expect(sim.alarm(id)).toBeUndefined();
    }
    expect(sim.engine.historyList()).toEqual([]);
  });
});

const idle = (now: number): Snapshot => healthy(now);

describe('alarm engine', () => {
  it('explains a quorum at risk in validators and f', () => {
    const s = healthy();
    s.validators[1]!.connected = false;
    s.validators[2]!.connected = false;
    const lost = evaluateRules({ now: s, t: cfg.thresholds }).find((c) => c.subject === 'chain');
    expect(lost?.rule).toBe('quorum-lost');
    expect(lost?.analysis).toBe(
      '2 of 4 validators unreachable: the chain tolerates 1 (f=1); commits stop at 2',
    );
  });

  it('does not call one missing validator of seven a risk (f=2)', () => {
    const s = healthy();
    s.validators = [0, 1, 2, 3, 4, 5, 6].map((index) => ({ index, connected: index !== 4, height: 10 }));
    const rules = evaluateRules({ now: s, t: cfg.thresholds }).map((c) => c.rule);
    expect(rules).toEqual(['peer-unreachable']);
    s.validators[5]!.connected = false;
    expect(evaluateRules({ now: s, t: cfg.thresholds }).map((c) => c.rule)).toContain('quorum-at-risk');
  });

  it('gives each recent membership change its own notice, and lets old ones age out', () => {
    const s = healthy();
    const change = (at: number, kind: string, op: string, id: string) => ({
      at,
      height: 9,
      proposal: 'p2',
      kind,
      op,
      id,
    });
    s.memberChanges = [
      change(s.now - 5000, 'admin', 'enter', 'cd'.repeat(16)),
      change(s.now - 500, 'site', 'leave', 'ef'.repeat(16)),
      change(s.now, 'validator', 'leave', '01'.repeat(32)),
    ];
    const notices = evaluateRules({ now: s, t: cfg.thresholds });
    expect(notices.map((c) => [c.rule, c.subject, c.severity])).toEqual([
      ['membership-changed', `site-leave-${'ef'.repeat(8)}-h9`, 'warning'],
      ['membership-changed', `validator-leave-${'01'.repeat(8)}-h9`, 'warning'],
    ]);
    expect(notices[0]?.cause).toBe(`site ${'ef'.repeat(8)}… leave at height 9 (proposal p2)`);
  });

  it('judges a light client by its age against the trusting period: one rule per client at most', () => {
    const s = healthy();
    const client = (clientId: number, age: number | undefined, frozenHeight = 0) => ({
      clientId,
      chainId: 'cd'.repeat(32),
      frozenHeight,
      latestHeight: 40,
      latestTime: age === undefined ? undefined : s.now - age,
      trustingPeriodMs: 3 * DAY,
    });
    s.xchainClients = [
      client(1, DAY),
      client(2, DAY + 1),
      client(3, 3 * DAY - 1),
      client(4, 3 * DAY),
      client(5, 4 * DAY, 12),
      client(6, undefined),
    ];
    const found = evaluateRules({ now: s, t: cfg.thresholds });
    expect(found.map((c) => [c.rule, c.subject, c.severity])).toEqual([
      ['xchain-client-expiring', 'client-2', 'warning'],
      ['xchain-client-expiring', 'client-3', 'warning'],
      ['xchain-client-expired', 'client-4', 'major'],
      ['xchain-client-frozen', 'client-5', 'critical'],
      ['xchain-client-expired', 'client-6', 'major'],
    ]);
    expect(found[3]?.cause).toBe(`light client 5 (chain ${'cd'.repeat(8)}…) is frozen at remote height 12`);
  });

  it('refuses to acknowledge an unknown alarm', () => {
    expect(new AlarmEngine(cfg).ack('lagging:self', 'x', 0)).toBe(false);
  });

  it('keeps a bounded history and restores active alarms', () => {
    const small = { ...cfg, historySize: 3 };
    const e = new AlarmEngine(small);
    // An idle chain: nothing pending, so a constant height is no stall.
    const healthy = (now: number): Snapshot => ({ ...idle(now), pending: 0 });
    let s = healthy(1_700_000_000_000);
    for (let k = 0; k < 5; k++) {
      for (let t = 0; t <= HOLD; t += STEP) {
        s = { ...healthy(s.now + STEP), restarts: { count: k, at: s.now, reason: 'x' } };
        e.evaluate(s);
      }
      for (let t = 0; t <= 2 * CLEAR; t += STEP) {
        s = healthy(s.now + STEP);
        e.evaluate(s);
      }
    }
    expect(e.historyList()).toHaveLength(3);
    s = { ...healthy(s.now + STEP), tlsNotAfter: s.now };
    for (let t = 0; t <= HOLD; t += STEP) {
      s = { ...healthy(s.now + STEP), tlsNotAfter: s.now };
      e.evaluate(s);
    }
    const restored = new AlarmEngine(small, JSON.parse(JSON.stringify(e.state())));
    expect(restored.list().map((a) => a.id)).toEqual(['tls-cert-expiry:rpc']);
    expect(restored.historyList()).toHaveLength(3);
  });
});

describe('expiry spans', () => {
  it('say days, then hours, then minutes, never "0.0 days"', () => {
    const H = 3_600_000;
    expect(span(3 * 24 * H)).toBe('3.0 days');
    expect(span(H * 1.5)).toBe('1.5 hours');
    expect(span(59 * 60_000)).toBe('59 min');
    expect(span(1000)).toBe('1 min');
    const s = { ...idle(1_700_000_000_000), scpKeyNotAfter: 1_700_000_000_000 + 2 * H };
    const [c] = evaluateRules({ now: s, t: cfg.thresholds });
    expect(c?.cause).toMatch(/^the last SCP key in force expires in 2\.0 hours \(/);
  });
});
