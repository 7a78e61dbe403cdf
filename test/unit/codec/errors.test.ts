import { describe, expect, it } from 'vitest';
import { CodecError, CodecErrorCode } from '../../../codec/errors.js';

describe('CodecError', () => {
  it('carries its code, metadata and a message that names the code', () => {
    const err = new CodecError(CodecErrorCode.Truncated, 'need 4 bytes', { need: 4, have: 2 });
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(CodecErrorCode.Truncated);
    expect(err.meta).toEqual({ need: 4, have: 2 });
    expect(err.message).toContain('TRUNCATED');
  });
});
