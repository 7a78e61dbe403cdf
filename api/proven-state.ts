// Contract-state reads a client may believe: GetState with `prove`, the answer's bucket proof
// checked against a header whose commit certificate the validator set in force at its height
// signed, that set followed from the caller's own trust anchor (its genesis) through proven
// changes by a light client (light-client.ts, verify-state.ts). Without an anchor a read is the
// node's word and says so (`verified: false`). `bkdms gov`, `bkdms chain` and the web console read
// governance through it; `firstProven` asks several nodes in turn, keeping the first answer that
// verifies and naming every node that answered with one that did not.
import { ApiError, ApiErrorCode } from './errors.js';
import { LightClient, type ValidatorChangeReader } from './light-client.js';
import { parseJson } from './state-values.js';
import type { StateEntryView } from './types.js';
import type { TrustAnchor } from './verify.js';
import { verifyStateAnswer } from './verify-state.js';

export interface StateRead {
  entries: StateEntryView[];
  /** The state after the block at this height. */
  height: number;
  verified: boolean;
  /** Block time of the proving header (verified reads only). */
  time?: number;
}

/** The chain ID and genesis validator set a reader starts from (the caller's own genesis). */
export interface StateAnchor {
  chainId: Uint8Array;
  validators: readonly Uint8Array[];
}

/** One key, or every entry of a group, proven against `trust` by `node`'s answer. */
export async function provenRead(
  node: ValidatorChangeReader,
  key: string,
  trust: TrustAnchor,
): Promise<StateRead> {
  const p = verifyStateAnswer((await node.getState(key, true)).proof, [key], trust);
  return { entries: p.entries[0] ?? [], height: p.height, verified: true, time: p.header.time };
}

/** Reads from one node: proven when given an anchor (or a light client already following one). */
export class ProvenStateReader {
  readonly light: LightClient | undefined;

  constructor(
    readonly node: ValidatorChangeReader,
    anchor?: StateAnchor | LightClient,
  ) {
    this.light = anchor === undefined || anchor instanceof LightClient ? anchor : new LightClient(anchor);
  }

  get verified(): boolean {
    return this.light !== undefined;
  }

  /** One key, or every entry of a group prefix ("gov/proposal/", "gov/history/", "scp/"). */
  async read(key: string): Promise<StateRead> {
    if (this.light === undefined) {
      const a = await this.node.getState(key, false);
      return { entries: a.entries, height: a.height, verified: false };
    }
    return this.light.withFollow(this.node, (trust) => provenRead(this.node, key, trust));
  }

  /** The value under one key, parsed, or undefined when absent. */
  async value<T>(key: string): Promise<{ value: T | undefined; read: StateRead }> {
    const read = await this.read(key);
    const [e] = read.entries;
    return { value: e === undefined ? undefined : parseJson<T>(e.value), read };
  }
}

/** A node a multi-node read may ask, named for reports. */
export interface NamedNode<N extends ValidatorChangeReader = ValidatorChangeReader> {
  name: string;
  node: N;
}

/** A node whose answer was refused, and why (its proof did not verify, or it did not answer). */
export interface Refusal {
  node: string;
  reason: string;
  /** True when the node answered with a proof that does not verify (it lied or is broken). */
  lied: boolean;
}

export interface FromAny<T> {
  value: T;
  /** The node whose answer verified. */
  node: string;
  /** The nodes asked before it, and why their answers were not kept. */
  refused: Refusal[];
}

/** The error of a multi-node read no node answered verifiably: meta.refused lists every node. */
export class NoProvenAnswer extends ApiError {
  constructor(readonly refused: Refusal[]) {
    const why = refused.map((r) => `${r.node}: ${r.reason}`).join('; ');
    super(
      ApiErrorCode.VerificationFailed,
      refused.length === 0
        ? 'no node to ask'
        : refused.some((r) => r.lied)
          ? `no node gave an answer that verifies: ${why}`
          : `no node could prove it: ${why}`,
      { nodes: refused.length },
    );
  }
}

const lied = (err: unknown): boolean =>
  err instanceof ApiError && err.code === ApiErrorCode.VerificationFailed;

/**
 * `read` through `light` from each node in turn, until one answer verifies (following validator
 * changes from that node when its header is above what `light` proved). A proof that does not
 * verify never changes what `light` has learned. Throws NoProvenAnswer when none verifies.
 */
export async function firstProven<N extends ValidatorChangeReader, T>(
  nodes: readonly NamedNode<N>[],
  light: LightClient,
  read: (node: N, trust: TrustAnchor) => Promise<T>,
): Promise<FromAny<T>> {
  const refused: Refusal[] = [];
  for (const { name, node } of nodes) {
    try {
      const value = await light.withFollow(node, (trust) => read(node, trust));
      return { value, node: name, refused };
    } catch (err) {
      refused.push({ node: name, reason: (err as Error).message, lied: lied(err) });
    }
  }
  throw new NoProvenAnswer(refused);
}

/** A key or group proven by the first node whose answer verifies; see firstProven. */
export function firstProvenState<N extends ValidatorChangeReader>(
  nodes: readonly NamedNode<N>[],
  light: LightClient,
  key: string,
): Promise<FromAny<StateRead>> {
  return firstProven(nodes, light, (node, trust) => provenRead(node, key, trust));
}
