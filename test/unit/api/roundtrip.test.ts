// Every RPC through a real grpc-js server and the typed client: what the handler returns is what
// the caller gets, and what the caller sends is what the handler sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReceiptState, SyncState, UploadStatus } from '../../../api/types.js';
import { CityScheme } from '../../../codec/types.js';
import { bytes, status } from './fake-node.js';
import type { Rig } from './harness.js';
import { startRig } from './harness.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(() => rig.close());

const last = (method: string): unknown => rig.node.seen.filter((s) => s.method === method).at(-1)?.arg;

describe('unary RPCs round trip', () => {
  it('Upload admits one envelope and returns its tracing code', async () => {
    const res = await rig.client.upload(bytes(300, 9));
    expect(res.status).toBe(UploadStatus.Accepted);
    expect(new Uint8Array(res.tracingCode)).toEqual(bytes(32, 9));
    const arg = last('uploadBatch') as { envelopes: Uint8Array[]; peer: string };
    expect(arg.envelopes.map((e) => new Uint8Array(e))).toEqual([bytes(300, 9)]);
    expect(arg.peer).toMatch(/127\.0\.0\.1/);
  });

  it('UploadBatch returns one result per envelope in order', async () => {
    const res = await rig.client.uploadBatch([bytes(10, 1), bytes(10, 2), bytes(10, 3)]);
    expect(res.map((r) => r.tracingCode[0])).toEqual([1, 2, 3]);
  });

  it('SubmitGovernance passes the envelope through', async () => {
    const res = await rig.client.submitGovernance(bytes(120, 4));
    expect(res.status).toBe(UploadStatus.Accepted);
    expect(new Uint8Array(last('submitGovernance') as Uint8Array)).toEqual(bytes(120, 4));
  });

  it('GetStatus returns every field', async () => {
    const s = await rig.client.getStatus();
    expect({
      ...s,
      chainId: new Uint8Array(s.chainId),
      lastBlockHash: new Uint8Array(s.lastBlockHash),
      validators: s.validators.map((v) => new Uint8Array(v)),
    }).toEqual(status);
    expect(s.syncState).toBe(SyncState.Synced);
  });

  it('Trace returns the bundle', async () => {
    const t = await rig.client.trace(bytes(32, 6));
    expect(t.leafIndex).toBe(5);
    expect(t.height).toBe(4);
    expect(t.proof.map((p) => p[0])).toEqual([3, 4]);
    expect(t.header.length).toBe(191);
    expect(t.certificate.length).toBe(200);
  });

  it('GetReceipt returns the receipt', async () => {
    const r = await rig.client.getReceipt(bytes(32, 6));
    expect(r.state).toBe(ReceiptState.Committed);
    expect([r.height, r.index, r.blockTime]).toEqual([4, 5, 1_700_000_000_000]);
  });

  it('QueryBySite fills defaults and returns the page', async () => {
    const page = await rig.client.queryBySite({
      siteKeyId: bytes(16, 3),
      fromTime: 1000,
      toTime: 0,
      pageSize: 0,
      cursor: new Uint8Array(0),
    });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.time).toBe(1000);
    expect(page.nextCursor.length).toBe(8);
    const q = last('queryBySite') as { pageSize: number; toTime: number };
    expect(q.pageSize).toBe(rig.server.limits.defaultPageSize);
    expect(q.toTime).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('QueryByCity passes the city and KPI code', async () => {
    const page = await rig.client.queryByCity({
      country: 156,
      city: { scheme: CityScheme.UnLocode, code: 'CNSHA' },
      kpiCode: 42,
      fromTime: 5,
      toTime: 10,
      pageSize: 20,
      cursor: new Uint8Array(0),
    });
    expect(page.items).toEqual([]);
    expect(page.nextCursor.length).toBe(0);
    expect(last('queryByCity')).toMatchObject({
      country: 156,
      kpiCode: 42,
      pageSize: 20,
      city: { code: 'CNSHA' },
    });
  });

  it('GetBlock returns the certified block bytes', async () => {
    rig.node.pushBlock();
    rig.node.pushBlock();
    const b = await rig.client.getBlock(2);
    expect(new Uint8Array(b)).toEqual(bytes(102, 2));
  });

  it('GetScpKeys and GetSite return the directory and site state', async () => {
    const dir = await rig.client.getScpKeys();
    expect(dir.height).toBe(7);
    expect(dir.keys[0]!.notAfter).toBe(2 ** 40);
    const site = await rig.client.getSite(bytes(16, 8));
    expect(site.city).toEqual({ scheme: CityScheme.UnLocode, code: 'CNSHA' });
    expect(site.kpiCodes).toEqual([1, 7, 300]);
    expect([site.lastCommittedSeq, site.lastPendingSeq]).toEqual([41, 42]);
  });
});
