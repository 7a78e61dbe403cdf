// Wakes block subscribers when the tip moves. Waiters are released all at once per commit; an
// aborted waiter (the subscriber went away) is removed at once so the set stays bounded by the
// number of open streams.

export class BlockNotifier {
  private tip = 0;
  private readonly waiters = new Set<(tip: number) => void>();

  get height(): number {
    return this.tip;
  }

  notify(height: number): void {
    if (height <= this.tip) return;
    this.tip = height;
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w(height);
  }

  /** Resolves true once the tip is above `height`, false if `signal` aborts first. */
  waitAbove(height: number, signal: AbortSignal): Promise<boolean> {
    if (this.tip > height) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        resolve(false);
      };
      const waiter = (tip: number): void => {
        if (tip <= height) {
          this.waiters.add(waiter);
          return;
        }
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }
}
