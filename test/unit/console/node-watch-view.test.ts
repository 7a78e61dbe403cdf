// Each sample the console keeps of a node carries the view of the node's status read, when that
// read is fresh: a stale or failed one says nothing of the view (it may predate a restart).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManagementClient } from '../../../api/management-client.js';
import type { NodeSample } from '../../../api/management-types.js';
import { NodeWatch, type StatusView } from '../../../console/node-watch.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const status = (view: number): StatusView => ({
  chainId: '00',
  height: 5,
  view,
  primary: view % 4,
  validators: [],
  peers: 0,
  synced: true,
  lastBlockHash: '00',
  mempoolEnvelopes: 0,
  selfIndex: 0,
});

const sample = (time: number): NodeSample => ({
  time,
  hostCpu: 0,
  processCpu: 0,
  rssBytes: 0,
  heapUsedBytes: 0,
  heapTotalBytes: 0,
  memoryFreeBytes: 0,
  dataBytes: 0,
  dataGrowthBps: 0,
  diskFreeBytes: 0,
  height: 5,
  mempoolEnvelopes: 0,
  peers: [],
});

describe('the view in a node’s samples', () => {
  it('is the fresh status’s view and primary, absent when the status is stale or the node down', async () => {
    let now = 10_000;
    let watch!: NodeWatch;
    vi.spyOn(ManagementClient.prototype, 'watchNode').mockImplementation(async function* () {
      watch.view.up = true;
      watch.view.status = status(5);
      watch.view.lastOkAt = now;
      yield sample(1);
      now += 60_000; // no status read since: stale
      yield sample(2);
      watch.view.lastOkAt = now;
      watch.view.up = false; // the last read failed
      yield sample(3);
      watch.close();
    });
    watch = new NodeWatch({
      rpc: '127.0.0.1:1',
      name: 'node 0',
      tls: { insecure: true },
      reopenMs: 0,
      now: () => now,
    });
    await watch.followSamples();
    expect(watch.view.samples.map((s) => [s.time, s.view, s.primary])).toEqual([
      [1, 5, 1],
      [2, undefined, undefined],
      [3, undefined, undefined],
    ]);
  });
});
