// Runs async jobs one at a time, in order, with a bound on how many may wait. The consensus driver
// pushes every input of the pure core through one queue, so step/tick/ready/advance never
// interleave with an await in between, and a flood of peer messages is dropped, not buffered.

export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly max: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  get length(): number {
    return this.waiting;
  }

  /** Queues `job`; returns false (and drops it) when `max` jobs are already waiting. */
  push(job: () => unknown): boolean {
    if (this.waiting >= this.max) return false;
    this.waiting++;
    this.tail = this.tail
      .then(async () => {
        await job();
      })
      .catch(this.onError)
      .finally(() => {
        this.waiting--;
      });
    return true;
  }

  /** Resolves when every job queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}
