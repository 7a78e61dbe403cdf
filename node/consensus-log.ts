// The consensus stream's lines (docs/operations.md, "Log management"): votes sent (debug), blocks
// committed, view changes as the core persists them, equivocation evidence.
import { type CertifiedBlock, type ConsensusMessage, MessageType } from '../codec/types.js';
import type { Evidence } from '../consensus/types.js';
import type { Logger } from '../runtime/log.js';
import { hex } from './admission/admission.js';

export class ConsensusLog {
  /** The view last persisted; the first one seen is the starting point, not a change. */
  private last: { view: number; inViewChange: boolean } | undefined;

  constructor(private readonly log: Logger) {}

  sent(msg: ConsensusMessage, to: 'all' | number): void {
    if (msg.type === MessageType.StateResponse) return;
    this.log.debug(
      {
        event: 'consensus.send',
        type: MessageType[msg.type],
        ...('view' in msg ? { view: msg.view } : {}),
        ...('seq' in msg ? { seq: msg.seq } : {}),
        to,
      },
      'vote sent',
    );
  }

  /** Logged once when a view change starts and once when the new view is entered. */
  view(view: number, inViewChange: boolean): void {
    const last = this.last;
    this.last = { view, inViewChange };
    if (last === undefined || (last.view === view && last.inViewChange === inViewChange)) return;
    if (inViewChange)
      this.log.info({ event: 'consensus.view-change', from: last.view, to: view }, 'view change started');
    else this.log.info({ event: 'consensus.view', from: last.view, view }, 'new view entered');
  }

  committed(cb: CertifiedBlock, envelopes: number): void {
    const { height, view, signatures } = cb.certificate;
    this.log.info(
      { event: 'consensus.commit', height, view, envelopes, signatures: signatures.length },
      'block committed',
    );
  }

  evidence(e: Evidence): void {
    this.log.warn(
      { event: 'consensus.evidence', kind: e.kind, view: e.view, seq: e.seq, offender: hex(e.offender) },
      'equivocation',
    );
  }
}
