// The results of the typed client's verified state reads (api/client.ts): each carries the header
// it was proven against, so a caller can judge how recent it is (header.height, header.time).

import type { SeqWindow } from '../ledger/seq-window.js';
import type { SiteRegistration } from './state-values.js';
import type { ScpKeyInfo, StateEntryView } from './types.js';
import type { VerifiedHeader } from './verify-state.js';

interface ProvenAt extends VerifiedHeader {
  /** The state after the block at this height (header.height - 1). */
  height: number;
}

export interface VerifiedState extends ProvenAt {
  /** The key's entry (none when proven absent), or every entry of the group, by key. */
  entries: StateEntryView[];
}

export interface Proven<T> extends VerifiedState {
  value: T;
}

export interface VerifiedScpKeys extends ProvenAt {
  keys: ScpKeyInfo[];
}

export interface VerifiedSite extends ProvenAt {
  /** Undefined: the proof shows no site holds this key ID. */
  site: SiteRegistration | undefined;
  /** 0 when the site never had an upload committed. */
  lastCommittedSeq: number;
  /** The proven replay window (ledger/seq-window.ts): which sequence numbers are spent for good. */
  seqWindow: SeqWindow;
  /**
   * The answering node's mempool view (highest seq pending there): NOT proven, a hint only; a
   * caller must bound what it lets it decide.
   */
  unprovenPendingSeq: number;
}
