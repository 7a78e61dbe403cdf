import { describe, expect, it } from 'vitest';
import { CryptoErrorCode } from '../../../crypto/errors.js';
import {
  acceptSession,
  createSession,
  MAX_SESSION_TTL_MS,
  sessionNeedsRotation,
} from '../../../crypto/session-key.js';
import { SessionKeyring } from '../../../crypto/session-keyring.js';
import { generateX25519 } from '../../../crypto/x25519.js';
import { errorCodeOf, seededRandom, toHexString } from './helpers.js';

const NOW = 1_760_000_000_000;
const HOUR = 3_600_000;

describe('session key negotiation', () => {
  const site = generateX25519(seededRandom('site'));
  const scp = generateX25519(seededRandom('scp'));

  it('site and SCP derive the same key and ID; a new salt gives a new key', () => {
    const a = createSession(site, scp.publicKey, NOW, HOUR, seededRandom('1'));
    const b = acceptSession(scp, a.offer, NOW + 5);
    expect(toHexString(b.key)).toBe(toHexString(a.session.key));
    expect(toHexString(b.id)).toBe(toHexString(a.session.id));
    expect(b.expiresAt).toBe(NOW + HOUR);
    const c = createSession(site, scp.publicKey, NOW, HOUR, seededRandom('2'));
    expect(toHexString(c.session.key)).not.toBe(toHexString(a.session.key));
    expect(toHexString(c.session.id)).not.toBe(toHexString(a.session.id));
  });

  it('an offer altered in any field yields a different key (the window is bound into HKDF)', () => {
    const { offer, session } = createSession(site, scp.publicKey, NOW, HOUR, seededRandom('3'));
    const salt = Uint8Array.from(offer.salt);
    salt[0]! ^= 1;
    for (const altered of [
      { ...offer, salt },
      { ...offer, expiresAt: offer.expiresAt + 1 },
      { ...offer, createdAt: NOW - 1 },
    ])
      expect(toHexString(acceptSession(scp, altered, NOW).key)).not.toBe(toHexString(session.key));
  });

  it('refuses expired offers, windows over the cap, and offers for another SCP key', () => {
    const { offer } = createSession(site, scp.publicKey, NOW, HOUR);
    expect(errorCodeOf(() => acceptSession(scp, offer, NOW + HOUR))).toBe(CryptoErrorCode.SessionExpired);
    expect(errorCodeOf(() => acceptSession(generateX25519(), offer, NOW))).toBe(CryptoErrorCode.BadKey);
    expect(errorCodeOf(() => createSession(site, scp.publicKey, NOW, MAX_SESSION_TTL_MS + 1))).toBe(
      CryptoErrorCode.InvalidInput,
    );
    expect(errorCodeOf(() => createSession(site, scp.publicKey, NOW, 0))).toBe(CryptoErrorCode.InvalidInput);
    expect(errorCodeOf(() => acceptSession(scp, { ...offer, salt: new Uint8Array(8) }, NOW))).toBe(
      CryptoErrorCode.BadKey,
    );
  });

  it('asks for rotation within the lead time of expiry', () => {
    const { session } = createSession(site, scp.publicKey, NOW, HOUR);
    expect(sessionNeedsRotation(session, NOW, 60_000)).toBe(false);
    expect(sessionNeedsRotation(session, NOW + HOUR - 60_000, 60_000)).toBe(true);
  });
});

describe('SessionKeyring', () => {
  const site = generateX25519();
  const scp = generateX25519();
  const make = (now: number) => createSession(site, scp.publicKey, now, HOUR).session;

  it('finds sessions by ID, prunes after expiry + grace, and refuses to grow past capacity', () => {
    const ring = new SessionKeyring({ capacity: 2, graceMs: 1000 });
    const a = make(NOW);
    const b = make(NOW + 10);
    ring.add(a, NOW);
    ring.add(b, NOW);
    expect(ring.get(a.id)?.expiresAt).toBe(NOW + HOUR);
    expect(errorCodeOf(() => ring.add(make(NOW), NOW))).toBe(CryptoErrorCode.QueueFull);
    // Once the first has expired past its grace, adding makes room by pruning it.
    ring.add(make(NOW + HOUR + 5), NOW + HOUR + 1000);
    expect(ring.get(a.id)).toBeUndefined();
    expect(ring.get(b.id)).toBeDefined();
    expect(ring.size).toBe(2);
    expect(ring.prune(NOW + 3 * HOUR)).toBe(2);
  });
});
