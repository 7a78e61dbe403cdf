// Starts services in a fixed order and stops them in the reverse order, once, whatever the
// trigger (SIGINT, SIGTERM, a fatal error). A stop that throws does not keep later services
// running: every stop is attempted and the first error is reported.

export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export class Lifecycle {
  private readonly started: Service[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly services: Service[]) {}

  async start(onStarted?: (name: string) => void): Promise<void> {
    for (const s of this.services) {
      await s.start();
      this.started.push(s);
      onStarted?.(s.name);
    }
  }

  /** Idempotent: concurrent and repeated calls share one shutdown. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    let first: unknown;
    while (this.started.length > 0) {
      const s = this.started.pop()!;
      try {
        await s.stop();
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  }

  /** Stops on SIGINT/SIGTERM, then calls `onStopped` (typically to set the exit code). */
  stopOnSignals(onStopped: (err?: unknown) => void): void {
    const handler = (): void => {
      this.stop().then(
        () => onStopped(),
        (err: unknown) => onStopped(err),
      );
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  }
}
