// Validation failures and handler errors reach the caller as the documented reason and status.
import { status as grpcStatus } from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import type { CityQuery, SiteQuery } from '../../../api/types.js';
import { UploadStatus } from '../../../api/types.js';
import { CityScheme } from '../../../codec/types.js';
import { bytes } from './fake-node.js';
import type { Rig } from './harness.js';
import { startRig } from './harness.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig(
    { limits: { maxBatchEnvelopes: 4, maxEnvelopeBytes: 1000, maxReceiveBytes: 64 * 1024 } },
    { retry: { maxAttempts: 1 } },
  );
});
afterAll(() => rig.close());
beforeEach(() => {
  rig.node.failWith = undefined;
});

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the call to fail');
}

const siteQuery = (over: Partial<SiteQuery>): SiteQuery => ({
  siteKeyId: bytes(16, 1),
  fromTime: 0,
  toTime: 0,
  pageSize: 0,
  cursor: new Uint8Array(0),
  ...over,
});
const cityQuery = (over: Partial<CityQuery>): CityQuery => ({
  country: 156,
  city: { scheme: CityScheme.UnLocode, code: 'CNSHA' },
  kpiCode: 12,
  fromTime: 0,
  toTime: 0,
  pageSize: 0,
  cursor: new Uint8Array(0),
  ...over,
});

describe('request validation', () => {
  const cases: [string, () => Promise<unknown>, ApiErrorCode, string][] = [
    ['empty envelope', () => rig.client.upload(new Uint8Array(0)), ApiErrorCode.InvalidArgument, 'envelope'],
    ['envelope over the cap', () => rig.client.upload(bytes(1001, 1)), ApiErrorCode.Oversized, 'envelope'],
    ['empty batch', () => rig.client.uploadBatch([]), ApiErrorCode.InvalidArgument, 'envelopes'],
    [
      'batch over the cap',
      () => rig.client.uploadBatch(Array(5).fill(bytes(4, 1))),
      ApiErrorCode.Oversized,
      'envelopes',
    ],
    [
      'batch member over the cap',
      () => rig.client.uploadBatch([bytes(4, 1), bytes(1001, 1)]),
      ApiErrorCode.Oversized,
      'envelopes[1]',
    ],
    ['short tracing code', () => rig.client.trace(bytes(31, 1)), ApiErrorCode.InvalidArgument, 'tracingCode'],
    [
      'long tracing code',
      () => rig.client.getReceipt(bytes(33, 1)),
      ApiErrorCode.InvalidArgument,
      'tracingCode',
    ],
    ['site key id length', () => rig.client.getSite(bytes(15, 1)), ApiErrorCode.InvalidArgument, 'siteKeyId'],
    [
      'page size over the cap',
      () => rig.client.queryBySite(siteQuery({ pageSize: 1001 })),
      ApiErrorCode.InvalidArgument,
      'pageSize',
    ],
    [
      'inverted time range',
      () => rig.client.queryBySite(siteQuery({ fromTime: 10, toTime: 5 })),
      ApiErrorCode.InvalidArgument,
      'fromTime',
    ],
    [
      'time beyond 2^53',
      () => rig.client.queryBySite(siteQuery({ toTime: 2 ** 60 })),
      ApiErrorCode.InvalidArgument,
      'toTime',
    ],
    [
      'cursor over the cap',
      () => rig.client.queryBySite(siteQuery({ cursor: bytes(257, 1) })),
      ApiErrorCode.Oversized,
      'cursor',
    ],
    [
      'country 0',
      () => rig.client.queryByCity(cityQuery({ country: 0 })),
      ApiErrorCode.InvalidArgument,
      'country',
    ],
    [
      'unknown city scheme',
      () => rig.client.queryByCity(cityQuery({ city: { scheme: 9 as CityScheme, code: 'X' } })),
      ApiErrorCode.InvalidArgument,
      'scheme',
    ],
    [
      'empty city code',
      () => rig.client.queryByCity(cityQuery({ city: { scheme: CityScheme.GeoNames, code: '' } })),
      ApiErrorCode.InvalidArgument,
      'city.code',
    ],
    [
      'lower-case UN/LOCODE (envelopes carry it upper case)',
      () => rig.client.queryByCity(cityQuery({ city: { scheme: CityScheme.UnLocode, code: 'cnsha' } })),
      ApiErrorCode.InvalidArgument,
      'city.code',
    ],
    [
      'UN/LOCODE printed with its space',
      () => rig.client.queryByCity(cityQuery({ city: { scheme: CityScheme.UnLocode, code: 'CN SHA' } })),
      ApiErrorCode.InvalidArgument,
      'city.code',
    ],
    [
      'numeric city code with a leading zero',
      () =>
        rig.client.queryByCity(cityQuery({ city: { scheme: CityScheme.NationalNumeric, code: '0310000' } })),
      ApiErrorCode.InvalidArgument,
      'city.code',
    ],
    [
      'numeric city code above 2^53',
      () =>
        rig.client.queryByCity(
          cityQuery({ city: { scheme: CityScheme.GeoNames, code: '9007199254740993' } }),
        ),
      ApiErrorCode.InvalidArgument,
      'city.code',
    ],
    [
      'KPI code 0 (codes start at 1)',
      () => rig.client.queryByCity(cityQuery({ kpiCode: 0 })),
      ApiErrorCode.InvalidArgument,
      'kpiCode',
    ],
    [
      'KPI code over 65535',
      () => rig.client.queryByCity(cityQuery({ kpiCode: 70000 })),
      ApiErrorCode.InvalidArgument,
      'kpiCode',
    ],
  ];
  it.each(cases)('%s', async (_name, call, code, field) => {
    const seen = rig.node.seen.length;
    const e = await failure(call());
    expect(e.code).toBe(code);
    expect(e.meta.grpcStatus).toBe(grpcStatus.INVALID_ARGUMENT);
    expect(e.meta.field).toBe(field);
    expect(rig.node.seen.length).toBe(seen);
  });

  it('a message above the receive cap is refused by grpc-js before the handler', async () => {
    const seen = rig.node.seen.length;
    const e = await failure(
      rig.client.uploadBatch([bytes(900, 1), bytes(900, 2)].concat(Array(2).fill(bytes(64 * 1024, 3)))),
    );
    expect(e.code).toBe(ApiErrorCode.Oversized);
    expect(e.meta.grpcStatus).toBe(grpcStatus.RESOURCE_EXHAUSTED);
    expect(rig.node.seen.length).toBe(seen);
  });
});

describe('handler errors', () => {
  it('a domain error whose code is a known reason keeps it, with its status and hint', async () => {
    rig.node.failWith = Object.assign(new Error('UNAUTHORIZED: site suspended'), {
      code: 'UNAUTHORIZED',
      meta: { site: 'ab' },
    });
    const e = await failure(rig.client.submitGovernance(bytes(10, 1)));
    expect(e.code).toBe(ApiErrorCode.Unauthorized);
    expect(e.meta.grpcStatus).toBe(grpcStatus.PERMISSION_DENIED);
    expect(e.detail).toBe('site suspended');
  });

  it('NOT_FOUND maps to NOT_FOUND', async () => {
    const e = await failure(rig.client.getBlock(999));
    expect(e.code).toBe(ApiErrorCode.NotFound);
    expect(e.meta.grpcStatus).toBe(grpcStatus.NOT_FOUND);
  });

  it('an unexpected error is INTERNAL and its text is not sent', async () => {
    const logged: unknown[] = [];
    const r = await startRig(
      { onInternalError: (_m, err) => logged.push(err) },
      { retry: { maxAttempts: 1 } },
    );
    try {
      r.node.failWith = new Error('disk path /secret/db exploded');
      const e = await failure(r.client.getStatus());
      expect(e.code).toBe(ApiErrorCode.Internal);
      expect(e.message).not.toContain('/secret');
      expect(logged).toHaveLength(1);
    } finally {
      await r.close();
    }
  });

  it('a rejected single upload becomes the call error; re-sends are successes', async () => {
    rig.node.batchScript.push(async () => [
      {
        status: UploadStatus.Rejected,
        tracingCode: bytes(32, 1),
        reason: 'REPLAYED',
        message: 'seq 4 used',
        retryAfterMs: 0,
      },
    ]);
    const e = await failure(rig.client.upload(bytes(10, 1)));
    expect(e.code).toBe(ApiErrorCode.Replayed);
    expect(e.meta.grpcStatus).toBe(grpcStatus.ALREADY_EXISTS);
    rig.node.batchScript.push(async () => [
      {
        status: UploadStatus.AlreadyCommitted,
        tracingCode: bytes(32, 1),
        reason: '',
        message: '',
        retryAfterMs: 0,
      },
    ]);
    expect((await rig.client.upload(bytes(10, 1))).status).toBe(UploadStatus.AlreadyCommitted);
  });

  it('a batch keeps per-envelope rejections in the results', async () => {
    rig.node.batchScript.push(async () => [
      { status: UploadStatus.Accepted, tracingCode: bytes(32, 1), reason: '', message: '', retryAfterMs: 0 },
      {
        status: UploadStatus.Rejected,
        tracingCode: bytes(32, 2),
        reason: 'BAD_SIGNATURE',
        message: 'bad',
        retryAfterMs: 0,
      },
    ]);
    const res = await rig.client.uploadBatch([bytes(10, 1), bytes(10, 2)]);
    expect(res.map((r) => [r.status, r.reason])).toEqual([
      [UploadStatus.Accepted, ''],
      [UploadStatus.Rejected, 'BAD_SIGNATURE'],
    ]);
  });

  it('a batch answer of the wrong length is an internal error', async () => {
    rig.node.batchScript.push(async () => []);
    const e = await failure(rig.client.uploadBatch([bytes(10, 1)]));
    expect(e.code).toBe(ApiErrorCode.Internal);
  });
});
