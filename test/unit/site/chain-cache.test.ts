import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChainCache } from '../../../site/chain-cache.js';
import { tempDir } from './helpers.js';

const key = {
  keyId: new Uint8Array(16).fill(1),
  publicKey: new Uint8Array(32).fill(2),
  notBefore: 5,
  notAfter: 9,
};

describe('ChainCache', () => {
  it('keeps what was read from the chain across a restart', () => {
    const path = join(tempDir(), 'chain.json');
    new ChainCache(path).save({
      chainId: new Uint8Array(32).fill(7),
      scpKeys: [key],
      kpiCodes: [21101, 12501],
    });
    const again = new ChainCache(path);
    expect(again.chainId()).toEqual(new Uint8Array(32).fill(7));
    expect(again.scpKeys()).toEqual([key]);
    expect([...(again.kpiCodes() ?? [])]).toEqual([21101, 12501]);
  });

  it('writes chain.json with mode 0600, like the rest of the data folder', () => {
    const dir = tempDir();
    const path = join(dir, 'chain.json');
    // A file left by an older version (0644) and a stale temp file from a crash (0644) do not keep
    // their mode: the replacement is 0600 whatever was there before.
    writeFileSync(path, '{}', { mode: 0o644 });
    writeFileSync(`${path}.tmp`, '', { mode: 0o644 });
    new ChainCache(path).save({ chainId: new Uint8Array(32).fill(7) });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(new ChainCache(path).chainId()).toEqual(new Uint8Array(32).fill(7));
  });

  it('treats a missing or damaged file as empty', () => {
    const dir = tempDir();
    expect(new ChainCache(join(dir, 'none.json')).chainId()).toBeUndefined();
    writeFileSync(join(dir, 'bad.json'), '{"chainId": "zz"}');
    const bad = new ChainCache(join(dir, 'bad.json'));
    expect(bad.chainId()).toBeUndefined();
    expect(bad.scpKeys()).toBeUndefined();
  });

  it('never hands out an SCP directory an older version cached from an unverified answer', () => {
    const dir = tempDir();
    const path = join(dir, 'chain.json');
    const old = { keyId: '01'.repeat(16), publicKey: '02'.repeat(32), notBefore: 5, notAfter: 9 };
    writeFileSync(path, JSON.stringify({ scpKeys: [old], kpiCodes: [21101] }));
    const cache = new ChainCache(path);
    expect(cache.scpKeys()).toBeUndefined();
    expect([...(cache.kpiCodes() ?? [])]).toEqual([21101]);
    cache.save({ scpKeys: [key] });
    expect(new ChainCache(path).scpKeys()).toEqual([key]);
  });
});
