// Who may connect: the current validators (in validator-set order, so an index names a peer)
// plus the configured observers. The connection gater and every inbound handler consult it.
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { P2PError, P2PErrorCode } from './errors.js';
import { peerIdObjectOfPublicKey } from './identity.js';

/** A validator index in the current set, or a peer ID string. */
export type PeerRef = number | string;

export class AllowList {
  private validatorIds: PeerId[] = [];
  private readonly validatorIndex = new Map<string, number>();
  private readonly observerIds = new Set<string>();

  constructor(validators: readonly Uint8Array[], observers: readonly Uint8Array[]) {
    for (const key of observers) this.observerIds.add(peerIdObjectOfPublicKey(key).toString());
    this.setValidators(validators);
  }

  /** Replaces the validator set; returns the peer IDs that were allowed before and are not now. */
  setValidators(validators: readonly Uint8Array[]): string[] {
    const before = new Set(this.validatorIndex.keys());
    this.validatorIds = validators.map((k) => peerIdObjectOfPublicKey(k));
    this.validatorIndex.clear();
    for (const [i, id] of this.validatorIds.entries()) this.validatorIndex.set(id.toString(), i);
    return [...before].filter((id) => !this.isAllowed(id));
  }

  isAllowed(peerId: string): boolean {
    return this.validatorIndex.has(peerId) || this.observerIds.has(peerId);
  }

  /** Index of the peer in the validator set, or undefined for observers and strangers. */
  indexOf(peerId: string): number | undefined {
    return this.validatorIndex.get(peerId);
  }

  /** Peer ID of the validator at `index`, or undefined when out of range. */
  validatorAt(index: number): PeerId | undefined {
    return this.validatorIds[index];
  }

  get validatorCount(): number {
    return this.validatorIds.length;
  }

  /** Upper bound of peers that can ever be connected; sizes the per-peer maps. */
  get size(): number {
    return this.validatorIds.length + this.observerIds.size;
  }

  /** The peer a caller names; UNKNOWN_PEER for a bad index or ID, NOT_ALLOWED outside the set. */
  resolve(peer: PeerRef): PeerId {
    let id: PeerId | undefined;
    if (typeof peer === 'number') id = this.validatorAt(peer);
    else {
      try {
        id = peerIdFromString(peer);
      } catch {
        id = undefined;
      }
    }
    if (id === undefined) throw new P2PError(P2PErrorCode.UnknownPeer, 'no such peer', { peer });
    if (!this.isAllowed(id.toString()))
      throw new P2PError(P2PErrorCode.NotAllowed, 'peer not in the allowed set', { peer: id.toString() });
    return id;
  }
}
