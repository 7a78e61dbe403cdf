// Which request bytes the server keeps past decoding. Ledger requests are not kept: an upload's
// envelopes are views of the message buffer grpc-js decoded, which the node's mempool holds until
// they commit, so that buffer must be the call's own and never written again. Admin-signed
// services keep a copy of each request (its signature covers those bytes) that does not change
// when the received buffer does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managementService } from '../../../api/management-service.js';
import {
  ledgerService,
  ledgerServiceDefinition,
  requestBytesOf,
  tolerantDefinition,
} from '../../../api/proto.js';
import type { Rig } from './harness.js';
import { startRig } from './harness.js';

const filled = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);
/** The bytes alone (grpc-js hands out Buffers, the test builds Uint8Arrays). */
const plain = (b: Uint8Array): Uint8Array => Uint8Array.from(b);

describe('request bytes kept by the server', () => {
  it('Ledger requests are decoded without keeping their bytes', () => {
    const upload = ledgerServiceDefinition().UploadBatch!;
    const body = ledgerService().service.UploadBatch!.requestSerialize({ envelopes: [filled(300, 1)] });
    const req = upload.requestDeserialize(Buffer.from(body)) as { envelopes: Uint8Array[] };
    expect(plain(req.envelopes[0]!)).toEqual(filled(300, 1));
    expect(requestBytesOf(req)).toBeUndefined();
  });

  it('an admin-signed service keeps a copy that survives the received buffer being overwritten', () => {
    const setLevel = tolerantDefinition(managementService()).SetLogLevel!;
    const body = Buffer.from(managementService().service.SetLogLevel!.requestSerialize({ spec: 'debug' }));
    const original = Uint8Array.from(body);
    const req = setLevel.requestDeserialize(body);
    body.fill(0);
    expect(requestBytesOf(req)).toEqual(original);
  });
});

describe('UploadBatch envelopes as views of their call', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig.close();
  });

  it('share one buffer per call, and keep their bytes through later calls on the same connection', async () => {
    // 40 envelopes of 1,000 bytes: a message of its own buffer, not a slice of Node's small pool.
    const first = Array.from({ length: 40 }, (_, i) => filled(1000, i));
    await rig.client.uploadBatch(first);
    const held = (rig.node.seen.at(-1)!.arg as { envelopes: Uint8Array[] }).envelopes;
    expect(held.every((e) => e.buffer === held[0]!.buffer)).toBe(true);
    for (let k = 0; k < 3; k++) await rig.client.uploadBatch(first.map(() => filled(1000, 0xee)));
    expect(held.map(plain)).toEqual(first);
  });
});
