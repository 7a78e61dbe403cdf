// The console's contract-state reads (governance, site registrations, the proposal an approval
// names), proven against the console's own trust anchor: the genesis it was started with, whose
// validator set a light client follows through proven changes (api/proven-state.ts), as the page's
// trace check does from the same anchor. Each node is asked in turn until one answer verifies; a
// node whose answer does not verify is named with the reason and its answer is never shown. Without
// an anchor (no --genesis) nothing can be proven: reads are one node's word and say so.
import type { BkdmsClient } from '../api/client.js';
import { LightClient, type ValidatorChangeReader } from '../api/light-client.js';
import {
  type FromAny,
  firstProvenState,
  type NamedNode,
  NoProvenAnswer,
  type Refusal,
  type StateRead,
} from '../api/proven-state.js';
import type { StateEntryView } from '../api/types.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';
import type { ReceiptReader } from './receipts.js';

/** Whether one item the page shows is proven, by which node, and which nodes were refused. */
export interface ItemProof {
  /** Proven against the console's trust anchor. */
  verified: boolean;
  /** The node whose answer is shown. */
  node?: string;
  /** The nodes asked first whose answers did not verify or did not come, and why. */
  refused: Refusal[];
  /** Set when nothing is shown for the item: why (no node proved it, or none answered). */
  error?: string;
}

export interface ItemRead {
  entries: StateEntryView[];
  height: number;
  proof: ItemProof;
}

/** The anchor as the console holds it (hex). */
export interface HexAnchor {
  chainId: string;
  validators: readonly string[];
}

const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

const DEADLINE_MS = 5_000;

/** A node's client as the reads (and the receipts' traces, console/receipts.ts) need it, each call bounded. */
export function clientReader(c: BkdmsClient): ReceiptReader {
  return {
    getState: (key, prove) => c.getState(key, prove, { deadlineMs: DEADLINE_MS }),
    getValidatorChange: (activation) => c.getValidatorChange(activation, { deadlineMs: DEADLINE_MS }),
    trace: (code) => c.trace(code, { deadlineMs: DEADLINE_MS }),
  };
}

export class ProvenReads {
  readonly light: LightClient | undefined;

  /** `nodes`: the nodes to ask, in the order to ask them (called at each read). */
  constructor(
    private readonly nodes: () => NamedNode<ValidatorChangeReader>[],
    anchor: HexAnchor | undefined,
  ) {
    this.light =
      anchor === undefined
        ? undefined
        : new LightClient({ chainId: unhex(anchor.chainId), validators: anchor.validators.map(unhex) });
  }

  get anchored(): boolean {
    return this.light !== undefined;
  }

  /**
   * A key or group for display: proven by the first node whose answer verifies, or (without an
   * anchor) the first node's word. Never throws for a node's failure: the item then carries no
   * entries and its proof says why.
   */
  async item(key: string): Promise<ItemRead> {
    const nodes = this.nodes();
    if (this.light === undefined) return this.unproven(nodes, key);
    try {
      const r = await firstProvenState(nodes, this.light, key);
      return { entries: r.value.entries, height: r.value.height, proof: proofOf(r) };
    } catch (err) {
      if (!(err instanceof NoProvenAnswer)) throw err;
      return {
        entries: [],
        height: -1,
        proof: { verified: false, refused: err.refused, error: err.message },
      };
    }
  }

  private async unproven(nodes: NamedNode<ValidatorChangeReader>[], key: string): Promise<ItemRead> {
    const refused: Refusal[] = [];
    for (const { name, node } of nodes) {
      try {
        const a = await node.getState(key, false);
        return { entries: a.entries, height: a.height, proof: { verified: false, node: name, refused } };
      } catch (err) {
        refused.push({ node: name, reason: (err as Error).message, lied: false });
      }
    }
    return { entries: [], height: -1, proof: { verified: false, refused, error: 'no node answered' } };
  }

  /**
   * A key or group that must be proven before the console acts on it. UNPROVEN (502) without an
   * anchor or when no node's answer verifies.
   */
  async proven(key: string): Promise<FromAny<StateRead>> {
    if (this.light === undefined)
      throw new ConsoleError(
        ConsoleErrorCode.Unproven,
        'the console cannot prove the state it would act on: start it with --genesis',
      );
    try {
      return await firstProvenState(this.nodes(), this.light, key);
    } catch (err) {
      if (err instanceof NoProvenAnswer)
        throw new ConsoleError(ConsoleErrorCode.Unproven, `refused: ${err.message}`);
      throw err;
    }
  }
}

function proofOf(r: FromAny<StateRead>): ItemProof {
  return { verified: r.value.verified, node: r.node, refused: r.refused };
}
