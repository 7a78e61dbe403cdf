// The performance sampler without timers: a clock and peer counters it is handed, a real folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerLink } from '../../../api/management-types.js';
import { folderBytes, PerfSampler } from '../../../node/mgmt/perf-sampler.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'bkdms-sampler-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const link = (sent: number, received: number): PeerLink => ({
  peerId: 'p',
  validatorIndex: 1,
  state: 'CONNECTED',
  direction: 'OUTBOUND',
  remoteAddress: '/ip4/127.0.0.1/tcp/1',
  connectedSince: 5,
  bytesSent: sent,
  bytesReceived: received,
  sendRateBps: 0,
  receiveRateBps: 0,
  rttMs: 1,
  rttAvgMs: 1,
  reportedHeight: -1,
  configured: true,
});

describe('PerfSampler', () => {
  it('derives per-link rates from successive counters', () => {
    let now = 1_000_000;
    let counters = link(0, 0);
    const s = new PerfSampler({
      dataDir: tmp(),
      height: () => 7,
      mempoolEnvelopes: () => 3,
      peers: () => [counters],
      now: () => now,
    });
    now += 2000;
    counters = link(4000, 1000);
    const sample = s.take();
    expect(sample.peers[0]!.sendRateBps).toBe(2000);
    expect(sample.peers[0]!.receiveRateBps).toBe(500);
    expect(sample.height).toBe(7);
    expect(sample.mempoolEnvelopes).toBe(3);
    expect(sample.rssBytes).toBeGreaterThan(0);
    expect(sample.hostCpu).toBeGreaterThanOrEqual(0);
    expect(sample.hostCpu).toBeLessThanOrEqual(1);
  });

  it('measures the data folder and its growth per second', () => {
    let now = 1_000_000;
    const dir = tmp();
    writeFileSync(join(dir, 'a'), Buffer.alloc(1000));
    const s = new PerfSampler({
      dataDir: dir,
      height: () => 0,
      mempoolEnvelopes: () => 0,
      peers: () => [],
      now: () => now,
    });
    expect(s.sample().dataBytes).toBe(1000);
    writeFileSync(join(dir, 'b'), Buffer.alloc(10_000));
    now += 10_000;
    const later = s.take();
    expect(later.dataBytes).toBe(11_000);
    expect(later.dataGrowthBps).toBe(1000);
  });
});

describe('folderBytes', () => {
  it('sums files in nested folders, and stops at its entry bound', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'x'), Buffer.alloc(10));
    const sub = mkdtempSync(join(dir, 'sub-'));
    writeFileSync(join(sub, 'y'), Buffer.alloc(25));
    expect(folderBytes(dir)).toBe(35);
    expect(folderBytes(dir, 0)).toBe(0);
  });
});
