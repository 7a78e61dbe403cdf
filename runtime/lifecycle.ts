// Starts services in a fixed order and stops them in the reverse order, once, whatever the
// trigger (SIGINT, SIGTERM, a fatal error). A stop that throws does not keep later services
// running: every stop is attempted and the first error is reported. This is also the one place
// that listens for the stop signals: every command runs until one with runUntilSignal.

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
    runUntilSignal({ stop: () => this.stop() }).then(
      () => onStopped(),
      (err: unknown) => onStopped(err),
    );
  }
}

/** Something already running: `stop()` ends it; `done`, when given, settles if it ends by itself. */
export interface Running {
  stop(): Promise<void>;
  readonly done?: Promise<unknown>;
}

/**
 * Set to 1 by a supervisor (cluster up) in a child's environment: the child also stops when its
 * stdin closes, that is when the supervisor has gone away.
 */
export const EXIT_WITH_PARENT_ENV = 'BKDMS_EXIT_WITH_PARENT';

export interface RunUntilSignalOptions {
  /** Also stop when stdin closes (see EXIT_WITH_PARENT_ENV). */
  stopWhenStdinCloses?: boolean;
}

/** True when this process was started by a supervisor that asked for EXIT_WITH_PARENT_ENV. */
export function exitWithParentRequested(
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  return env[EXIT_WITH_PARENT_ENV] === '1';
}

/**
 * Runs until `running` ends by itself (`done` settles: its outcome is this call's) or until SIGINT,
 * SIGTERM or (optionally) stdin closing: then `stop()` runs once and its outcome is this call's.
 * Each handler fires once, so a second Ctrl-C during a slow stop gets Node's default behaviour.
 */
export async function runUntilSignal(running: Running, opts: RunUntilSignalOptions = {}): Promise<void> {
  let remove = (): void => undefined;
  const stopRequested = new Promise<true>((resolve) => {
    const onStop = (): void => resolve(true);
    process.once('SIGINT', onStop);
    process.once('SIGTERM', onStop);
    if (opts.stopWhenStdinCloses) {
      process.stdin.once('close', onStop);
      process.stdin.resume();
    }
    remove = () => {
      process.off('SIGINT', onStop);
      process.off('SIGTERM', onStop);
      if (opts.stopWhenStdinCloses) process.stdin.off('close', onStop);
    };
  });
  try {
    const ended = running.done?.then(() => false as const);
    const signalled = await Promise.race(ended === undefined ? [stopRequested] : [stopRequested, ended]);
    if (signalled) await running.stop();
  } finally {
    remove();
  }
}
