// Every domain's error is a BkdmsError: one shape (name, code, meta, `CODE: message`), told apart
// by class and code.
import { describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import { BkdmsError } from '../../../codec/base-error.js';
import { CodecError, CodecErrorCode } from '../../../codec/errors.js';
import { ConsensusError, ConsensusErrorCode } from '../../../consensus/errors.js';
import { CryptoError, CryptoErrorCode } from '../../../crypto/errors.js';
import { KpiError, KpiErrorCode } from '../../../kpi/errors.js';
import { NodeError, NodeErrorCode } from '../../../node/errors.js';
import { P2PError, P2PErrorCode } from '../../../node/p2p/errors.js';
import { StoreError, StoreErrorCode } from '../../../node/store/errors.js';
import { PlatformError, PlatformErrorCode } from '../../../platform/errors.js';
import { SiteError, SiteErrorCode } from '../../../site/errors.js';

const first = <T extends Record<string, string>>(e: T): T[keyof T] => Object.values(e)[0] as T[keyof T];

const cases: [string, BkdmsError, string][] = [
  ['CodecError', new CodecError(first(CodecErrorCode), 'm', { at: 3 }), first(CodecErrorCode)],
  ['CryptoError', new CryptoError(first(CryptoErrorCode), 'm', { at: 3 }), first(CryptoErrorCode)],
  ['KpiError', new KpiError(first(KpiErrorCode), 'm', { at: 3 }), first(KpiErrorCode)],
  [
    'ConsensusError',
    new ConsensusError(first(ConsensusErrorCode), 'm', { at: 3 }),
    first(ConsensusErrorCode),
  ],
  ['ApiError', new ApiError(first(ApiErrorCode), 'm', { at: 3 }), first(ApiErrorCode)],
  ['NodeError', new NodeError(first(NodeErrorCode), 'm', { at: 3 }), first(NodeErrorCode)],
  ['StoreError', new StoreError(first(StoreErrorCode), 'm', { at: 3 }), first(StoreErrorCode)],
  ['P2PError', new P2PError(first(P2PErrorCode), 'm', { at: 3 }), first(P2PErrorCode)],
  ['SiteError', new SiteError(first(SiteErrorCode), 'm', { at: 3 }), first(SiteErrorCode)],
  ['PlatformError', new PlatformError(first(PlatformErrorCode), 'm', { at: 3 }), first(PlatformErrorCode)],
];

describe('BkdmsError', () => {
  it.each(cases)('%s is a BkdmsError with its name, code, meta and message', (name, err, code) => {
    expect(err).toBeInstanceOf(BkdmsError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.code).toBe(code);
    expect(err.meta).toEqual({ at: 3 });
    expect(err.message).toBe(`${code}: m`);
    expect(err.detail).toBe('m');
  });

  it('keeps domains apart: a CodecError is not a StoreError', () => {
    const e = new CodecError(CodecErrorCode.Truncated, 'short');
    expect(e).not.toBeInstanceOf(StoreError);
    expect(new ApiError(ApiErrorCode.NotFound, 'x', {}, 250).retryAfterMs).toBe(250);
  });
});
