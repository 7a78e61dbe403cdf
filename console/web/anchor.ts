// The page's trust anchor: by default the console's genesis (its --genesis file), shown with its
// source; a user who does not want to trust the console pins their own, a genesis file (its chain
// ID is computed here, SHA-256 of its canonical JSON, as node/genesis.ts does) or an anchor file
// ({"chainId", "validators"}). A pinned anchor stays in this browser's localStorage.
import { sha256 } from '../../crypto/hash.js';
import { canonicalJson, type Json } from '../../ledger/state.js';
import { bytesToHex, getJson } from './dom.js';
import type { Anchor } from './verify-trace.js';

const KEY = 'bkdms.console.anchor';
const HEX32 = /^[0-9a-f]{64}$/;

export function pinnedAnchor(): Anchor | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    return raw === null ? undefined : (JSON.parse(raw) as Anchor);
  } catch {
    return undefined;
  }
}

export function unpin(): void {
  localStorage.removeItem(KEY);
}

/** An anchor from the text of a genesis or anchor file; throws a message for the page to show. */
export function parseAnchorText(text: string, name: string): Anchor {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const validators = raw.validators;
  if (
    !Array.isArray(validators) ||
    validators.length === 0 ||
    !validators.every((v) => typeof v === 'string' && HEX32.test(v))
  )
    throw new Error('validators: a non-empty list of 64-hex-digit keys');
  if (typeof raw.chainId === 'string') {
    if (!HEX32.test(raw.chainId)) throw new Error('chainId: 64 lower-case hex digits');
    return {
      chainId: raw.chainId,
      validators: validators as string[],
      source: `anchor file ${name} (pinned)`,
    };
  }
  // A genesis file: the node validates it with defaults for the optional lists, then hashes that.
  const g = { ...raw, sites: raw.sites ?? [], scpKeys: raw.scpKeys ?? [] };
  const chainId = bytesToHex(sha256(new TextEncoder().encode(canonicalJson(g as unknown as Json))));
  return {
    chainId,
    validators: validators as string[],
    source: `genesis file ${name} (pinned, chain ID computed here)`,
  };
}

export function pin(a: Anchor): void {
  localStorage.setItem(KEY, JSON.stringify(a));
}

/** The pinned anchor, else the console's; undefined when neither exists. */
export async function currentAnchor(): Promise<Anchor | undefined> {
  const p = pinnedAnchor();
  if (p !== undefined) return p;
  try {
    const a = await getJson<Anchor>('/api/anchor');
    return { ...a, source: `the console’s ${a.source}` };
  } catch {
    return undefined;
  }
}
