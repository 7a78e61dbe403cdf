import { describe, expect, it } from 'vitest';
import { encodeExtension } from '../../../codec/extension.js';
import { createSession } from '../../../crypto/session-key.js';
import { generateX25519 } from '../../../crypto/x25519.js';
import { findSessionOffer, readOffer } from '../../../platform/session-offers.js';
import { EXT_SESSION_OFFER, encodeSessionOffer } from '../../../site/session-offer.js';
import { scpKey, T0 } from './fixture.js';

describe('session offers in the extending part', () => {
  const { offer } = createSession(generateX25519(), scpKey.publicKey, T0, 3_600_000);

  it('reads what the site writes', () => {
    const ext = encodeExtension([{ type: EXT_SESSION_OFFER, value: encodeSessionOffer(offer) }]);
    const found = findSessionOffer(ext);
    expect(found !== 'bad' && found?.offer).toEqual(offer);
    expect(found !== 'bad' && found?.bytes).toEqual(encodeSessionOffer(offer));
  });

  it('none, and malformed ones', () => {
    expect(findSessionOffer(new Uint8Array(0))).toBeUndefined();
    expect(findSessionOffer(encodeExtension([{ type: 2, value: new Uint8Array(3) }]))).toBeUndefined();
    expect(findSessionOffer(encodeExtension([{ type: EXT_SESSION_OFFER, value: new Uint8Array(95) }]))).toBe(
      'bad',
    );
    expect(findSessionOffer(Uint8Array.from([2, 0, 0, 1, 0, 0]))).toBe('bad'); // types not ascending
    const huge = encodeSessionOffer(offer);
    huge.fill(0xff, 80, 88);
    expect(readOffer(huge)).toBeUndefined();
  });
});
