// Serializes the two writers of sequence numbers: the seal loop (new periods) and the upload
// loop (readings re-made under a new seq after the chain refused theirs as replayed). Both read
// nextSeq, await the sealing of an envelope, then write the outbox and the state file; run
// interleaved, they would give two different envelopes one sequence number, which the chain
// refuses and the outbox rule forbids (docs/architecture.md §3). Only one such read-make-write block runs at a time.

export class SeqLock {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` once every block started before it has settled; returns its result. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    // The next block waits for this one whatever its outcome; its error goes to this caller only.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
