import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSiteOptions, loadSiteConfig, parseSiteConfig } from '../../../site/config.js';
import { SiteErrorCode } from '../../../site/errors.js';
import { siteIdentity } from '../../../site/run.js';
import { tempDir } from './helpers.js';

const minimal = {
  name: 'paris-air-1',
  dataDir: 'data',
  keystore: { path: 'keys/site.key' },
  identity: { country: 250, city: 'locode:FRPAR', siteId: '192.0.2.10' },
  chain: { endpoints: ['127.0.0.1:7101'], insecure: true },
  sources: [{ type: 'csv', name: 'air', path: 'air.csv' }],
};

describe('site config', () => {
  it('fills defaults and resolves paths against the config file folder', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'conf'));
    writeFileSync(join(dir, 'conf', 'site.json'), JSON.stringify(minimal));
    const c = loadSiteConfig(join(dir, 'conf', 'site.json'));
    expect(c.periodMs).toBe(defaultSiteOptions.periodMs);
    expect(c.upload).toEqual(defaultSiteOptions.upload);
    expect(c.seal).toBe('session');
    expect(c.dataDir).toBe(join(dir, 'conf', 'data'));
    expect(c.sources[0]).toMatchObject({ path: join(dir, 'conf', 'air.csv'), follow: false, delimiter: ',' });
  });

  it('names every problem by its path', () => {
    const bad = {
      ...minimal,
      sources: [{ type: 'http', name: 'push', port: 'eighty' }, { type: 'ftp' }],
      periodMs: 5,
    };
    try {
      parseSiteConfig(bad);
      expect.unreachable();
    } catch (err) {
      const e = err as Error & { code: string };
      expect(e.code).toBe(SiteErrorCode.BadConfig);
      expect(e.message).toContain('sources[0].port');
      expect(e.message).toContain('sources[1].type');
      expect(e.message).toContain('periodMs');
    }
  });

  it('rejects duplicate source names and unknown fields', () => {
    const dup = { ...minimal, sources: [minimal.sources[0], minimal.sources[0]] };
    expect(() => parseSiteConfig(dup)).toThrow('source names must be unique');
    expect(() => parseSiteConfig({ ...minimal, colour: 'red' })).toThrow('colour');
  });

  it('bounds re-makes of a reading: 3 by default, a configured count kept, a negative one refused', () => {
    expect(defaultSiteOptions.upload.maxRemakes).toBe(3);
    const upload = { ...defaultSiteOptions.upload, maxRemakes: 0 };
    expect(parseSiteConfig({ ...minimal, upload }).upload.maxRemakes).toBe(0);
    expect(() => parseSiteConfig({ ...minimal, upload: { ...upload, maxRemakes: -1 } })).toThrow(
      'upload.maxRemakes',
    );
  });

  it('turns the identity into record fields, refusing a bad city or address', () => {
    const id = siteIdentity(parseSiteConfig(minimal).identity);
    expect(id.city).toEqual({ scheme: 1, code: 'FRPAR' });
    expect([...id.siteId.subarray(10)]).toEqual([0xff, 0xff, 192, 0, 2, 10]);
    expect(() => siteIdentity({ ...minimal.identity, city: 'atlantis' })).toThrow(/BAD_CONFIG/);
    expect(() => siteIdentity({ ...minimal.identity, siteId: '300.1.1.1' })).toThrow(/BAD_CONFIG/);
  });
});
