// Compares this node's snapshot hashes with its peers' at the same heights (the divergence check
// Fabric's organisations do by hand): every `intervalMs` it asks each connected validator for its
// snapshot list and records, per peer, the heights where both hold a snapshot and the hashes
// differ. Honest nodes build byte-identical manifests at a height (the manifest is a function of
// the state, the chain and the block), so any difference is a diverged state or a damaged file.
// Read by the alarm collector (rule snapshot-divergence) and the management status.
import {
  decodeSnapshotList,
  encodeSnapshotRequest,
  MAX_SNAPSHOT_LIST_BYTES,
  SnapshotRequestKind,
} from '../../codec/snapshot-messages.js';
import { bytesEqual, toHex } from '../../crypto/bytes.js';
import type { Logger } from '../../runtime/log.js';
import type { AskPeer } from './header-anchor.js';
import type { SnapshotInfo } from './snapshot-files.js';

export interface SnapshotDivergence {
  /** Validator index of the peer. */
  peer: number;
  height: number;
  ours: string;
  theirs: string;
}

export interface ComparerDeps {
  ours: () => SnapshotInfo[];
  /** Connected validators: their index and the peer reference `ask` takes. */
  peers: () => { index: number; ref: string }[];
  ask: AskPeer;
  log: Logger;
}

export class SnapshotComparer {
  private divergent: SnapshotDivergence[] = [];
  /** Peers whose list agreed at some common height on the last round (status). */
  private agreeing = 0;

  constructor(private readonly d: ComparerDeps) {}

  /** The divergences found by the last round. */
  divergences(): SnapshotDivergence[] {
    return this.divergent;
  }

  get peersAgreeing(): number {
    return this.agreeing;
  }

  /** One round: asks every connected validator; a peer that does not answer is left out. */
  async compare(): Promise<SnapshotDivergence[]> {
    const mine = new Map(this.d.ours().map((s) => [s.height, s.hash]));
    const request = encodeSnapshotRequest({ kind: SnapshotRequestKind.List });
    const found: SnapshotDivergence[] = [];
    let agreeing = 0;
    await Promise.all(
      this.d.peers().map(async ({ index, ref }) => {
        try {
          let agreed = false;
          for (const o of decodeSnapshotList(await this.d.ask(ref, request, MAX_SNAPSHOT_LIST_BYTES))) {
            const ours = mine.get(o.height);
            if (ours === undefined) continue;
            if (bytesEqual(ours, o.hash)) agreed = true;
            else found.push({ peer: index, height: o.height, ours: toHex(ours), theirs: toHex(o.hash) });
          }
          if (agreed) agreeing++;
        } catch (err) {
          this.d.log.debug({ err, peer: index }, 'snapshot list not read');
        }
      }),
    );
    this.divergent = found.sort((a, b) => a.peer - b.peer || a.height - b.height);
    this.agreeing = agreeing;
    return this.divergent;
  }
}
