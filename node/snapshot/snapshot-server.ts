// Serves the snapshot protocol (codec/snapshot-messages.ts) to peers: the snapshots this node
// keeps, their chunks (checked against the manifest before they leave), certified headers, and the
// proven validator schedule a joining node's light client follows, and the block-hash log's frontier
// at a snapshot height (what a node installing that snapshot extends), and the proof kept of each
// validator-set change (what that node follows and installs with its base). Every request is decoded with
// its cap; an unknown height answers NOT_FOUND, which the requester sees as REMOTE_ERROR.
import {
  decodeSnapshotRequest,
  encodeHashLogFrontier,
  encodeParts,
  encodeSnapshotList,
  MAX_SNAPSHOT_OFFERS,
  SnapshotRequestKind,
} from '../../codec/snapshot-messages.js';
import { K } from '../../ledger/records.js';
import { SnapshotError, SnapshotErrorCode } from './errors.js';
import type { SnapshotFiles } from './snapshot-files.js';

export interface SnapshotServerDeps {
  files: SnapshotFiles;
  store: {
    getHeader(h: number): Promise<Uint8Array>;
    getCertificate(h: number): Promise<Uint8Array>;
    /** Frontier of the block-hash log of `size` leaves (Store.hashLogFrontier). */
    hashLogFrontier(size: number): Promise<Uint8Array[]>;
    /** The kept proof of the change activating there (Store.validatorChange). */
    validatorChange(
      activation: number,
    ): Promise<{ header: Uint8Array; certificate: Uint8Array; bucket: Uint8Array } | undefined>;
  };
  /** Proven contract-state read (StateReads.prove): the certified header, certificate and buckets. */
  prove(
    keys: readonly string[],
  ): Promise<{ proof: { header: Uint8Array; certificate: Uint8Array; buckets: Uint8Array[] } }>;
}

export class SnapshotServer {
  /** Requests served, by kind (metrics). */
  readonly served = new Map<SnapshotRequestKind, number>();

  constructor(private readonly d: SnapshotServerDeps) {}

  /** The request handler: request bytes in, response bytes out, or a typed error. */
  readonly handle = async (bytes: Uint8Array): Promise<Uint8Array> => {
    const q = decodeSnapshotRequest(bytes);
    this.served.set(q.kind, (this.served.get(q.kind) ?? 0) + 1);
    switch (q.kind) {
      case SnapshotRequestKind.List:
        return encodeSnapshotList(
          this.d.files
            .list()
            .slice(0, MAX_SNAPSHOT_OFFERS)
            .map((s) => ({ height: s.height, hash: s.hash })),
        );
      case SnapshotRequestKind.Manifest: {
        const info = this.d.files.get(q.height);
        if (info === undefined)
          throw new SnapshotError(SnapshotErrorCode.NotFound, `no snapshot at ${q.height}`, {
            height: q.height,
          });
        return info.manifestBytes;
      }
      case SnapshotRequestKind.Chunk:
        return this.d.files.readChunk(q.height, q.index);
      case SnapshotRequestKind.Header:
        return encodeParts([
          await this.d.store.getHeader(q.height),
          await this.d.store.getCertificate(q.height),
        ]);
      case SnapshotRequestKind.Validators: {
        const { proof } = await this.d.prove([K.validators]);
        return encodeParts([proof.header, proof.certificate, ...proof.buckets]);
      }
      case SnapshotRequestKind.HashLog:
        return encodeHashLogFrontier(await this.d.store.hashLogFrontier(q.height + 1));
      case SnapshotRequestKind.Change: {
        const kept = await this.d.store.validatorChange(q.height);
        if (kept === undefined)
          throw new SnapshotError(
            SnapshotErrorCode.NotFound,
            `no change proof kept for activation ${q.height}`,
            {
              height: q.height,
            },
          );
        return encodeParts([kept.header, kept.certificate, kept.bucket]);
      }
    }
  };
}
