// What `bkdms trace` and `bkdms verify` trust before reading any answer: the chain ID and validator
// set of a genesis file (--genesis), or of a pinned chain file (--anchor: {"chainId", "validators"},
// for a verifier that keeps only those two facts). Never the node being checked: a node that
// reported its own validator set could certify anything with invented keys.
import { readFileSync } from 'node:fs';
import type { TrustAnchor } from '../api/verify.js';
import { keyIdOf } from '../crypto/key-id.js';
import { loadGenesis } from '../node/genesis.js';

export interface NamedAnchor extends TrustAnchor {
  validators: readonly Uint8Array[];
  /** Where it came from, for the output: "genesis <file>" or "anchor <file>". */
  source: string;
  /** With a genesis file: its SCP keys (a site's directory before the first block). */
  genesisScpKeys?: { keyId: Uint8Array; publicKey: Uint8Array; notBefore: number; notAfter: number }[];
}

export interface AnchorFlags {
  genesis?: string;
  anchor?: string;
}

const HEX32 = /^[0-9a-f]{64}$/;

function parseAnchor(path: string): NamedAnchor {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read trust anchor ${path}: ${(err as Error).message}`);
  }
  const a = raw as { chainId?: unknown; validators?: unknown };
  if (typeof a.chainId !== 'string' || !HEX32.test(a.chainId))
    throw new Error(`trust anchor ${path}: chainId must be 64 lower-case hex digits`);
  if (
    !Array.isArray(a.validators) ||
    a.validators.length === 0 ||
    !a.validators.every((v) => typeof v === 'string' && HEX32.test(v))
  )
    throw new Error(`trust anchor ${path}: validators must be a non-empty list of 64-hex-digit keys`);
  return {
    chainId: Buffer.from(a.chainId, 'hex'),
    validators: (a.validators as string[]).map((v) => Buffer.from(v, 'hex')),
    source: `anchor ${path}`,
  };
}

/** The anchor the flags name, or undefined when they name none; both at once is an error. */
export function loadTrustAnchor(o: AnchorFlags): NamedAnchor | undefined {
  if (o.genesis !== undefined && o.anchor !== undefined)
    throw new Error(
      '--genesis and --anchor (chain.genesis and chain.anchor) are two trust anchors: give one',
    );
  if (o.anchor !== undefined) return parseAnchor(o.anchor);
  if (o.genesis === undefined) return undefined;
  const g = loadGenesis(o.genesis);
  return {
    chainId: g.chainId,
    validators: g.validators,
    source: `genesis ${o.genesis}`,
    genesisScpKeys: g.scpKeys.map((k) => ({ ...k, keyId: keyIdOf(k.publicKey) })),
  };
}

/**
 * A site's trust anchor from its config (chain.genesis or chain.anchor), or undefined when it
 * names none (runSite then refuses to start, naming the option).
 */
export function siteAnchorOf(chain: { genesis?: string; anchor?: string }): NamedAnchor | undefined {
  return loadTrustAnchor({ genesis: chain.genesis, anchor: chain.anchor });
}
