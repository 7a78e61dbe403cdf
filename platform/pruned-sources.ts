// Which chain sources answered PRUNED for the height the platform needs next: a node that was
// pruned, or joined by state sync, holds no block below its earliest height (named in the answer),
// so another node is asked; once every node has answered so, no configured node can serve the
// platform and the operator has to add one that keeps every block body.
import { ApiError, ApiErrorCode } from '../api/errors.js';

export interface PrunedAnswer {
  node: number;
  /** The node's earliest block body, when its answer named it. */
  earliestHeight: number | undefined;
}

/** The earliest height a PRUNED failure names; undefined for any other failure. */
export function prunedAnswer(err: unknown): { earliestHeight: number | undefined } | undefined {
  if (!(err instanceof ApiError) || err.code !== ApiErrorCode.Pruned) return undefined;
  const e = err.meta.earliestHeight;
  return { earliestHeight: typeof e === 'number' ? e : undefined };
}

export class PrunedSources {
  private readonly answers = new Map<number, number | undefined>();

  constructor(private readonly count: number) {}

  /** Notes source `node`'s failure: its PRUNED answer, or undefined when the failure is another. */
  note(node: number, err: unknown): PrunedAnswer | undefined {
    const a = prunedAnswer(err);
    if (a === undefined) return undefined;
    this.answers.set(node, a.earliestHeight);
    return { node, ...a };
  }

  /** Every source answered PRUNED since the last block. */
  get all(): boolean {
    return this.count > 0 && this.answers.size >= this.count;
  }

  list(): PrunedAnswer[] {
    return [...this.answers].map(([node, earliestHeight]) => ({ node, earliestHeight }));
  }

  /** A block arrived: the sources are asked afresh. */
  clear(): void {
    this.answers.clear();
  }
}
