// Request validation without a server: each checker accepts exactly its domain, and the .proto
// is found from any folder below the repository root (api/ under vitest, build/api/ compiled).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import { defaultApiLimits } from '../../../api/limits.js';
import { findRepoRoot, protoPath } from '../../../api/proto.js';
import {
  boolField,
  cityQuery,
  fixedBytes,
  intField,
  siteQuery,
  stateKeyField,
  stateRequest,
} from '../../../api/validate.js';

const reason = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return (err as ApiError).code;
  }
};

describe('field checkers', () => {
  it('intField accepts exactly the safe integers in range', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 53), fc.string()), (v) => {
        const inRange = typeof v === 'number' && Number.isSafeInteger(v) && v >= -5 && v <= 1000;
        const got = reason(() => intField({ x: v }, 'x', -5, 1000));
        expect(got).toBe(inRange ? undefined : ApiErrorCode.InvalidArgument);
      }),
    );
  });

  it('fixedBytes accepts exactly the given length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        expect(reason(() => fixedBytes({ id: b }, 'id', 16))).toBe(
          b.length === 16 ? undefined : ApiErrorCode.InvalidArgument,
        );
      }),
    );
    expect(reason(() => fixedBytes({ id: 'abc' }, 'id', 3))).toBe(ApiErrorCode.InvalidArgument);
  });

  it('a state key is 1..256 printable ASCII characters; prove is a bool, false when absent', () => {
    expect(stateKeyField({ key: 'gov/params' })).toBe('gov/params');
    expect(stateKeyField({ key: 'k'.repeat(256) })).toHaveLength(256);
    for (const key of ['', 'k'.repeat(257), 'gov params', 'gov/\u00e9', 'a\nb', 7, undefined])
      expect(
        reason(() => stateKeyField({ key })),
        String(key),
      ).toBe(ApiErrorCode.InvalidArgument);
    expect(boolField({}, 'prove')).toBe(false);
    expect(boolField({ prove: true }, 'prove')).toBe(true);
    expect(reason(() => boolField({ prove: 'yes' }, 'prove'))).toBe(ApiErrorCode.InvalidArgument);
  });

  it('GetState activation: 0, or a height of at least 2 asked with gov/validators and prove', () => {
    const field = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        expect((err as ApiError).code).toBe(ApiErrorCode.InvalidArgument);
        return (err as ApiError).meta.field;
      }
      return undefined;
    };
    const v = 'gov/validators';
    expect(stateRequest({ key: v, prove: true, activation: 0 })).toEqual({
      key: v,
      prove: true,
      activation: 0,
    });
    expect(stateRequest({ key: 'gov/params', prove: false, activation: 0 }).activation).toBe(0);
    for (const a of [2, 300, Number.MAX_SAFE_INTEGER])
      expect(stateRequest({ key: v, prove: true, activation: a })).toEqual({
        key: v,
        prove: true,
        activation: a,
      });
    // Heights that are no height, and height 1, at which no set can activate.
    for (const a of [1, -1, 2.5, 2 ** 53, Number.NaN, '300', null, undefined])
      expect(field(() => stateRequest({ key: v, prove: true, activation: a }))).toBe('activation');
    // Only the validator schedule, only proven.
    expect(field(() => stateRequest({ key: v, prove: false, activation: 300 }))).toBe('activation');
    expect(field(() => stateRequest({ key: 'gov/params', prove: true, activation: 300 }))).toBe('activation');
    expect(field(() => stateRequest({ key: 'gov/validators/', prove: true, activation: 300 }))).toBe(
      'activation',
    );
    // The key and prove are checked first, by their own names.
    expect(field(() => stateRequest({ key: '', prove: true, activation: 300 }))).toBe('key');
    expect(field(() => stateRequest({ key: v, prove: 'yes', activation: 300 }))).toBe('prove');
  });

  it('a site query fills the default page size and an open upper time bound', () => {
    const q = siteQuery(
      { siteKeyId: new Uint8Array(16), fromTime: 9, toTime: 0, pageSize: 0, cursor: new Uint8Array(0) },
      defaultApiLimits,
    );
    expect([q.pageSize, q.toTime, q.fromTime]).toEqual([
      defaultApiLimits.defaultPageSize,
      Number.MAX_SAFE_INTEGER,
      9,
    ]);
  });
});

describe('locating bkdms.proto', () => {
  it('resolves to api/bkdms.proto under the folder holding package.json', () => {
    expect(protoPath).toBe(join(findRepoRoot(process.cwd()), 'api', 'bkdms.proto'));
  });

  it('walks up from a nested folder and fails when there is no package.json', () => {
    const root = mkdtempSync(join(tmpdir(), 'bkdms-root-'));
    try {
      mkdirSync(join(root, 'build', 'api'), { recursive: true });
      writeFileSync(join(root, 'package.json'), '{}');
      expect(findRepoRoot(join(root, 'build', 'api'))).toBe(root);
      rmSync(join(root, 'package.json'));
      expect(() => findRepoRoot(join(root, 'build', 'api'))).toThrow(/package\.json/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the contract as written matches the code', () => {
  const root = findRepoRoot(process.cwd());
  const proto = readFileSync(protoPath, 'utf8');
  const rpcDoc = readFileSync(join(root, 'docs', 'rpc.md'), 'utf8');

  it('UploadBatch: the .proto and docs/rpc.md give the batch cap the server applies', () => {
    const max = defaultApiLimits.maxBatchEnvelopes;
    expect(/Admits up to (\d+) envelopes/.exec(proto)?.[1]).toBe(String(max));
    expect(/\| envelopes per UploadBatch \| (\d+)/.exec(rpcDoc)?.[1]).toBe(String(max));
    expect(/`envelopes`, 1\.\.(\d+) byte strings/.exec(rpcDoc)?.[1]).toBe(String(max));
  });

  it('QueryByCity: kpi_code is one catalogue code 1..65535 in the .proto, the doc and the checker', () => {
    const comment = /((?:\s*\/\/[^\n]*\n)+)\s*uint32 kpi_code = 3;/.exec(proto)?.[1] ?? '';
    expect(comment).toContain('1..65535');
    expect(comment).not.toMatch(/0 = every/);
    expect(rpcDoc).toContain('`kpi_code` (1..65535');
    const q = (kpiCode: number) => () =>
      cityQuery(
        {
          country: 156,
          city: { scheme: 1, code: 'CNSHA' },
          kpiCode,
          fromTime: 0,
          toTime: 0,
          pageSize: 0,
          cursor: new Uint8Array(0),
        },
        defaultApiLimits,
      );
    expect(reason(q(0))).toBe(ApiErrorCode.InvalidArgument);
    expect(reason(q(65536))).toBe(ApiErrorCode.InvalidArgument);
    expect(reason(q(1))).toBeUndefined();
    expect(reason(q(65535))).toBeUndefined();
  });
});
