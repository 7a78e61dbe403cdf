// Request bytes that are not the method's protobuf message are the caller's mistake, not a node
// bug: the server answers INVALID_ARGUMENT (with its reason trailer), never INTERNAL, and no
// handler runs. Sent with a raw grpc-js client, which frames whatever bytes it is given.
import type { ServiceError } from '@grpc/grpc-js';
import { Client, credentials, status as grpcStatus, Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorCode } from '../../../api/errors.js';
import { REASON_KEY } from '../../../api/status.js';
import type { Rig } from './harness.js';
import { startRig } from './harness.js';

let rig: Rig;
let raw: Client;
beforeAll(async () => {
  rig = await startRig();
  raw = new Client(`127.0.0.1:${rig.server.port}`, credentials.createInsecure());
});
afterAll(async () => {
  raw.close();
  await rig.close();
});

const same = (b: Buffer): Buffer => b;
// Bytes no request message decodes from (protobuf is lenient: many random bytes do decode, and
// are then checked like any request): a tag cut short, field 1 with wire type 7 (no such type) and
// nothing after it, a length prefix running past the end.
const garbage = [Buffer.from([0xff]), Buffer.from([0x0f]), Buffer.from([0x0a, 0x7f, 0x01])];

function unary(method: string, body: Buffer): Promise<ServiceError> {
  return new Promise((resolve, reject) => {
    raw.makeUnaryRequest(`/bkdms.v1.Ledger/${method}`, same, same, body, (err) =>
      err ? resolve(err) : reject(new Error(`${method} answered garbage with OK`)),
    );
  });
}

function stream(method: string, body: Buffer): Promise<ServiceError> {
  return new Promise((resolve, reject) => {
    // The deadline only bounds the test if the server never answers; it asserts nothing.
    const call = raw.makeServerStreamRequest(`/bkdms.v1.Ledger/${method}`, same, same, body, new Metadata(), {
      deadline: Date.now() + 10_000,
    });
    call.on('data', () => reject(new Error(`${method} streamed data for garbage`)));
    call.on('error', resolve);
    call.on('end', () => reject(new Error(`${method} ended cleanly for garbage`)));
  });
}

const reasonOf = (md: Metadata | undefined): unknown => md?.get(REASON_KEY)[0];

describe('request bytes that do not decode', () => {
  const unaryMethods = [
    'Upload',
    'UploadBatch',
    'GetStatus',
    'Trace',
    'QueryByCity',
    'GetSite',
    'GetScpKeys',
  ];
  it.each(unaryMethods)('%s answers INVALID_ARGUMENT, not INTERNAL', async (method) => {
    const seen = rig.node.seen.length;
    for (const body of garbage) {
      const err = await unary(method, body);
      expect(err.code).toBe(grpcStatus.INVALID_ARGUMENT);
      expect(reasonOf(err.metadata)).toBe(ApiErrorCode.InvalidArgument);
      expect(err.details).toMatch(/^INVALID_ARGUMENT: /);
    }
    expect(rig.node.seen.length).toBe(seen);
  });

  it('SubscribeBlocks ends the stream with INVALID_ARGUMENT', async () => {
    for (const body of garbage) {
      const err = await stream('SubscribeBlocks', body);
      expect(err.code).toBe(grpcStatus.INVALID_ARGUMENT);
      expect(reasonOf(err.metadata)).toBe(ApiErrorCode.InvalidArgument);
    }
    expect(rig.node.subscriptions).toEqual([]);
  });

  it('well-formed bytes through the same raw client still reach the handler', async () => {
    const seen = rig.node.seen.length;
    await new Promise<void>((resolve, reject) =>
      raw.makeUnaryRequest('/bkdms.v1.Ledger/GetStatus', same, same, Buffer.alloc(0), (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    expect(rig.node.seen.length).toBe(seen + 1);
  });
});
