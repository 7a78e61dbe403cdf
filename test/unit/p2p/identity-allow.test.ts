import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { describe, expect, it } from 'vitest';
import { AllowList } from '../../../node/p2p/allow-list.js';
import { P2PErrorCode } from '../../../node/p2p/errors.js';
import { allowListGater } from '../../../node/p2p/gater.js';
import { libp2pKeyOf, peerIdObjectOfPublicKey, peerIdOfPublicKey } from '../../../node/p2p/identity.js';

const seedOf = (n: number) => new Uint8Array(32).fill(n);
const pubOf = async (n: number) => (await generateKeyPairFromSeed('Ed25519', seedOf(n))).publicKey.raw;

describe('identity', () => {
  it('the peer ID of a public key is the peer ID of the libp2p key made from its seed', async () => {
    const pub = await pubOf(1);
    const key = await libp2pKeyOf({ seed: seedOf(1), publicKey: pub });
    expect(peerIdOfPublicKey(pub)).toBe(peerIdFromPrivateKey(key).toString());
    expect(peerIdOfPublicKey(pub)).not.toBe(peerIdOfPublicKey(await pubOf(2)));
  });

  it('refuses a seed that does not match the public key, and wrong lengths', async () => {
    await expect(libp2pKeyOf({ seed: seedOf(1), publicKey: await pubOf(2) })).rejects.toMatchObject({
      code: P2PErrorCode.BadOptions,
    });
    expect(() => peerIdOfPublicKey(new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: P2PErrorCode.BadOptions }),
    );
  });
});

describe('allow list and gater', () => {
  it('indexes validators in set order and admits observers without an index', async () => {
    const [v0, v1, obs] = await Promise.all([pubOf(1), pubOf(2), pubOf(3)]);
    const allow = new AllowList([v0, v1], [obs]);
    expect(allow.indexOf(peerIdOfPublicKey(v1))).toBe(1);
    expect(allow.validatorAt(0)?.toString()).toBe(peerIdOfPublicKey(v0));
    expect(allow.validatorAt(2)).toBeUndefined();
    expect(allow.isAllowed(peerIdOfPublicKey(obs))).toBe(true);
    expect(allow.indexOf(peerIdOfPublicKey(obs))).toBeUndefined();
    expect(allow.size).toBe(3);
  });

  it('setValidators reports who lost access; observers keep theirs', async () => {
    const [v0, v1, obs] = await Promise.all([pubOf(1), pubOf(2), pubOf(3)]);
    const allow = new AllowList([v0, v1], [obs]);
    const removed = allow.setValidators([v1, obs]);
    expect(removed).toEqual([peerIdOfPublicKey(v0)]);
    expect(allow.indexOf(peerIdOfPublicKey(v1))).toBe(0);
    expect(allow.isAllowed(peerIdOfPublicKey(obs))).toBe(true);
  });

  it('the gater denies dialing and accepting strangers, in every direction, and follows changes', async () => {
    const [v0, v1, stranger] = await Promise.all([pubOf(1), pubOf(2), pubOf(3)]);
    const allow = new AllowList([v0, v1], []);
    const g = allowListGater(allow);
    const conn = {} as never;
    const checks = (pub: Uint8Array) => {
      const id = peerIdObjectOfPublicKey(pub);
      return [
        g.denyDialPeer?.(id),
        g.denyInboundEncryptedConnection?.(id, conn),
        g.denyOutboundEncryptedConnection?.(id, conn),
        g.denyInboundUpgradedConnection?.(id, conn),
        g.denyOutboundUpgradedConnection?.(id, conn),
      ];
    };
    expect(checks(v1)).toEqual([false, false, false, false, false]);
    expect(checks(stranger)).toEqual([true, true, true, true, true]);
    allow.setValidators([v0]);
    expect(checks(v1)).toEqual([true, true, true, true, true]);
  });
});
