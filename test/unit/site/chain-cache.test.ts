import { writeFileSync } from 'node:fs';
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

  it('treats a missing or damaged file as empty', () => {
    const dir = tempDir();
    expect(new ChainCache(join(dir, 'none.json')).chainId()).toBeUndefined();
    writeFileSync(join(dir, 'bad.json'), '{"chainId": "zz"}');
    const bad = new ChainCache(join(dir, 'bad.json'));
    expect(bad.chainId()).toBeUndefined();
    expect(bad.scpKeys()).toBeUndefined();
  });
});
