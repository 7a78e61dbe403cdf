import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../crypto/hash.js';
import { Contracts } from '../../../ledger/contracts.js';
import { DEFAULT_MAX_ENVELOPE_FUTURE_MS, DEFAULT_MAX_SEQ_GAP } from '../../../ledger/envelope-bounds.js';
import { LedgerError, LedgerErrorCode } from '../../../ledger/errors.js';
import { genesisState } from '../../../ledger/genesis.js';
import type { ParamsJson } from '../../../ledger/records.js';
import { PARAMS_KEY, valueAt } from '../../../ledger/schedule.js';
import { canonicalJson, type Json } from '../../../ledger/state.js';
import { NodeErrorCode } from '../../../node/errors.js';
import { parseGenesis } from '../../../node/genesis.js';
import { hexOf, keyPair } from '../store/fixtures.js';

const PARAMS = { periodMs: 1000, maxBlockEnvelopes: 1000, maxBlockBytes: 4_000_000, viewTimeoutMs: 4000 };

function base(): Record<string, unknown> {
  return {
    chainName: 'city-ledger',
    genesisTime: '2026-01-01T00:00:00Z',
    validators: [1, 2, 3, 4].map((i) => hexOf(keyPair(i).publicKey)),
    admins: { publicKeys: [hexOf(keyPair(50).publicKey)], threshold: 1 },
    sites: [
      {
        publicKey: hexOf(keyPair(100).publicKey),
        country: 'CN',
        city: 'locode:CNSHA',
        siteId: '10.0.0.1',
        kpis: ['EC: ICT: ICT: 1C'],
      },
    ],
    scpKeys: [],
    params: PARAMS,
  };
}

function errorOf(raw: unknown): { code?: string; message: string } {
  try {
    parseGenesis(raw);
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected parseGenesis to throw');
}

describe('genesis', () => {
  it('parses, resolves sites, and derives a chain ID independent of key order', () => {
    const g = parseGenesis(base());
    expect(g.validators).toHaveLength(4);
    expect(g.sites[0]?.country).toBe(156);
    expect(g.sites[0]?.siteId[15]).toBe(1);
    const reordered = Object.fromEntries(Object.entries(base()).reverse());
    expect(parseGenesis(reordered).chainId).toEqual(g.chainId);
    expect(parseGenesis({ ...base(), chainName: 'other' }).chainId).not.toEqual(g.chainId);
  });

  it('a file without the envelope bounds keeps its chain ID and genesis state: the defaults apply', () => {
    const g = parseGenesis(base());
    // The chain ID is the hash of the file as written: no default was added to it.
    expect(g.chainId).toEqual(sha256(new TextEncoder().encode(canonicalJson(base() as Json))));
    const { state } = genesisState(g);
    expect(Object.keys(valueAt<ParamsJson>(state, PARAMS_KEY, 0)!).sort()).toEqual(
      Object.keys(PARAMS).sort(),
    );
    expect(new Contracts(state, g.chainId).bounds(1)).toEqual({
      maxSeqGap: DEFAULT_MAX_SEQ_GAP,
      maxEnvelopeFutureMs: DEFAULT_MAX_ENVELOPE_FUTURE_MS,
    });
  });

  it('a file with the envelope bounds sets them, and they are part of the chain ID', () => {
    const bounds = { maxSeqGap: 5000, maxEnvelopeFutureMs: 60_000 };
    const g = parseGenesis({ ...base(), params: { ...PARAMS, ...bounds } });
    expect(g.chainId).not.toEqual(parseGenesis(base()).chainId);
    expect(new Contracts(genesisState(g).state, g.chainId).bounds(1)).toEqual(bounds);
  });

  it('builds the initial contract state deterministically', () => {
    const a = genesisState(parseGenesis(base()));
    const b = genesisState(parseGenesis(base()));
    expect(a.root).toEqual(b.root);
    expect(a.changes.length).toBeGreaterThan(3);
  });

  it('refuses a genesis that lists the same site twice: no initial state exists', () => {
    const g = parseGenesis(base());
    const err = (() => {
      try {
        genesisState({ ...g, sites: [g.sites[0]!, g.sites[0]!] });
      } catch (e) {
        return e;
      }
      throw new Error('expected genesisState to throw');
    })();
    expect(err).toBeInstanceOf(LedgerError);
    expect((err as LedgerError).code).toBe(LedgerErrorCode.BadGenesis);
    expect((err as LedgerError).message).toContain('sites.1');
  });

  it.each([
    [
      'threshold above admins',
      { admins: { publicKeys: [hexOf(keyPair(50).publicKey)], threshold: 2 } },
      'admins.threshold',
    ],
    ['a bad key', { validators: ['zz'] }, 'validators.0'],
    ['no validators', { validators: [] }, 'validators'],
    [
      'a duplicate validator',
      { validators: [hexOf(keyPair(1).publicKey), hexOf(keyPair(1).publicKey)] },
      'validators: duplicate',
    ],
    ['an unknown field', { extra: 1 }, 'extra'],
    [
      'an unknown country',
      { sites: [{ ...(base().sites as object[])[0], country: 'ZZ' }] },
      'sites.0.country',
    ],
    ['an unknown KPI', { sites: [{ ...(base().sites as object[])[0], kpis: ['nope'] }] }, 'sites.0.kpis'],
    ['a bad address', { sites: [{ ...(base().sites as object[])[0], siteId: '300.1.1.1' }] }, 'sites.0'],
    ['a bad time', { genesisTime: 'yesterday' }, 'genesisTime'],
    [
      'a maxSeqGap below the replay window',
      { params: { ...PARAMS, maxSeqGap: 1000, maxEnvelopeFutureMs: 60_000 } },
      'params.maxSeqGap',
    ],
    [
      'a maxEnvelopeFutureMs beyond u32',
      { params: { ...PARAMS, maxSeqGap: 5000, maxEnvelopeFutureMs: 2 ** 32 } },
      'params.maxEnvelopeFutureMs',
    ],
    ['one envelope bound without the other', { params: { ...PARAMS, maxSeqGap: 5000 } }, 'params: maxSeqGap'],
  ])('refuses %s with a message naming the field', (_name, patch, field) => {
    const err = errorOf({ ...base(), ...patch });
    expect(err.code).toBe(NodeErrorCode.BadConfig);
    expect(err.message).toContain(field);
  });
});
