// The vectors of docs/wire-format.md §5.5 and §6, read from the page itself so that the docs and
// the code cannot drift apart: the example genesis file, its canonical JSON, its chain ID (not the
// hash of the file's bytes), and the validator set hash of its validators; plus the session-offer
// extension type §11 names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../crypto/bytes.js';
import { validatorSetHash } from '../../../crypto/certificate.js';
import { sha256 } from '../../../crypto/hash.js';
import { canonicalJson, type Json } from '../../../ledger/state.js';
import { genesisSchema, parseGenesis } from '../../../node/genesis.js';
import { EXT_SESSION_OFFER, SESSION_OFFER_BYTES } from '../../../site/session-offer.js';

const doc = readFileSync(new URL('../../../docs/wire-format.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('### 5.5 Genesis file and chain ID'), doc.indexOf('## 6. Block'));
const blocks = [...section.matchAll(/```(?:json)?\n([\s\S]*?)```/g)].map((m) => m[1]!);
const fileText = blocks[0]!;
const canonicalText = blocks[1]!.trim();
const hexAfter = (text: string, label: string): string => {
  const m = new RegExp(`${label}[^\`]*\`([0-9a-f]{64})\``).exec(text);
  if (m === null) throw new Error(`no vector after "${label}"`);
  return m[1]!;
};

describe('genesis and chain ID vectors (docs/wire-format.md §5.5)', () => {
  const raw = JSON.parse(fileText) as unknown;

  it('the canonical form is the documented one, defaults applied, keys sorted, no whitespace', () => {
    expect(canonicalJson(genesisSchema.parse(raw) as unknown as Json)).toBe(canonicalText);
  });

  it('the chain ID is the SHA-256 of the canonical form, not of the file', () => {
    const chainId = toHex(parseGenesis(raw).chainId);
    expect(chainId).toBe(hexAfter(section, 'and chain ID'));
    expect(chainId).toBe(toHex(sha256(new TextEncoder().encode(canonicalText))));
    expect(chainId).not.toBe(toHex(sha256(new TextEncoder().encode(fileText))));
  });

  it('whitespace and key order do not change the chain; a written default does not either', () => {
    const reordered = Object.fromEntries(Object.entries(raw as object).reverse());
    const withDefaults = { ...(raw as object), sites: [], scpKeys: [] };
    const id = toHex(parseGenesis(raw).chainId);
    expect(toHex(parseGenesis(reordered).chainId)).toBe(id);
    expect(toHex(parseGenesis(withDefaults).chainId)).toBe(id);
    // A time written with another offset is another chain: strings keep their written form.
    expect(
      toHex(parseGenesis({ ...(raw as object), genesisTime: '2026-01-01T00:00:00+00:00' }).chainId),
    ).not.toBe(id);
  });

  it('a site keeps its written forms and its keys sorted (the second vector)', () => {
    const site = {
      publicKey: 'bb'.repeat(32),
      country: 'CH',
      city: 'locode:CHGVA',
      siteId: '10.0.1.1',
      kpis: ['EN: EN: AQ: 1C', 21202],
    };
    const withSite = { ...(raw as object), sites: [site] };
    const canonical = canonicalJson(genesisSchema.parse(withSite) as unknown as Json);
    const sitesPart = blocks[2]!.trim();
    expect(canonical).toBe(canonicalText.replace('"sites":[]', sitesPart));
    const after = section.slice(section.indexOf(sitesPart) + sitesPart.length);
    expect(toHex(parseGenesis(withSite).chainId)).toBe(hexAfter(after, 'and chain ID'));
  });

  it('the validator set hash of the example validators is the documented one (§5.5 and §6)', () => {
    const keys = parseGenesis(raw).validators;
    const expected = hexAfter(section, 'validator set hash \\(§6\\) is');
    expect(toHex(validatorSetHash(keys))).toBe(expected);
    const s6 = doc.slice(doc.indexOf('## 6. Block'), doc.indexOf('## 7. Commit certificate'));
    expect(s6).toContain(expected);
    // By definition: SHA-256("BKDMS/v1/validator-set\0" || count u32 || keys in order).
    const tag = new TextEncoder().encode('BKDMS/v1/validator-set\0');
    const input = new Uint8Array([...tag, 0, 0, 0, 4, ...keys.flatMap((k) => [...k])]);
    expect(toHex(sha256(input))).toBe(expected);
    // Order matters.
    expect(toHex(validatorSetHash([...keys].reverse()))).not.toBe(expected);
  });
});

describe('session-offer extension item (docs/wire-format.md §11)', () => {
  it('is type 1, 96 bytes, as documented', () => {
    expect(doc).toMatch(/item of \*\*type 1\*\*\s+\(`EXT_SESSION_OFFER`/);
    expect(EXT_SESSION_OFFER).toBe(1);
    expect(SESSION_OFFER_BYTES).toBe(96);
  });
});
