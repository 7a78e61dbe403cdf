import type { Logger } from 'pino';
import type { Lifecycle, Service } from '../../runtime/lifecycle.js';

/** A service that holds a resource from construction and releases it at stop. */
export function closing(name: string, close: () => Promise<unknown> | unknown): Service {
  return {
    name,
    start: async () => undefined,
    stop: async () => {
      await close();
    },
  };
}

/** Stops the node on a fatal error; `stopped` resolves with the error once every service stopped. */
export class FatalStop {
  readonly stopped: Promise<unknown>;
  private resolve: (err: unknown) => void = () => undefined;
  private lifecycle: Pick<Lifecycle, 'stop'> | undefined;

  constructor(private readonly log: Logger) {
    this.stopped = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  /** The lifecycle a fatal error stops (built after the services that may report one). */
  bind(lifecycle: Pick<Lifecycle, 'stop'>): void {
    this.lifecycle = lifecycle;
  }

  readonly fatal = (err: unknown): void => {
    this.log.fatal({ err }, 'fatal error, stopping');
    // The node is down either way: a stop that fails is logged, never left unhandled.
    (this.lifecycle?.stop() ?? Promise.resolve())
      .catch((stopErr: unknown) => this.log.error({ err: stopErr }, 'stop after a fatal error failed'))
      .finally(() => this.resolve(err));
  };
}
