// Fault management as a lifecycle service: on a timer, a snapshot of the node (collector.ts) goes
// through the engine (engine.ts); every raise, acknowledgement and clear is persisted (store.ts),
// logged, sent to the webhook if one is configured, and told to watchers (the gRPC WatchAlarms
// stream). What GET /alarms, the metric and the gRPC service read is `list()` and `history()`.
import type { Service } from '../../../runtime/lifecycle.js';
import type { Logger } from '../../../runtime/log.js';
import type { AlarmsConfig } from './config.js';
import { AlarmEngine, type AlarmListener } from './engine.js';
import type { Snapshot } from './signals.js';
import { alarmsFile, loadAlarmState, saveAlarmState } from './store.js';
import type { Alarm } from './types.js';
import { AlarmWebhook } from './webhook.js';

/** What readers of the alarms (HTTP, gRPC, CLI) need; api/alarms-handlers.ts is written against it. */
export interface AlarmSource {
  list(): Alarm[];
  history(): Alarm[];
  /** False when no active alarm has that ID. */
  ack(id: string, by: string): boolean;
  /** Returns the function that stops watching. */
  watch(listener: AlarmListener): () => void;
}

export class AlarmService implements Service, AlarmSource {
  readonly name = 'alarms';
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly webhook: AlarmWebhook | undefined;
  /** Saves run one at a time; a save asked for while one runs is coalesced into the next. */
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(
    private readonly engine: AlarmEngine,
    private readonly cfg: AlarmsConfig,
    private readonly path: string,
    private readonly snapshot: () => Snapshot,
    private readonly log: Logger,
  ) {
    const w = cfg.webhook;
    this.webhook = w === undefined ? undefined : new AlarmWebhook({ ...w, log });
    engine.watch(({ kind, alarm }) => {
      if (kind !== 'updated') this.persist();
      const fields = { event: `alarm.${kind}`, id: alarm.id, severity: alarm.severity, cause: alarm.cause };
      if (kind === 'raised')
        log.warn({ ...fields, analysis: alarm.analysis, recovery: alarm.recovery }, 'alarm raised');
      else if (kind !== 'updated') log.info(fields, `alarm ${kind}`);
      if (kind === 'raised' || kind === 'cleared') this.webhook?.notify(alarm);
    });
  }

  /** Restores the persisted alarms of `dataDir`. */
  static async open(
    cfg: AlarmsConfig,
    dataDir: string,
    snapshot: () => Snapshot,
    log: Logger,
  ): Promise<AlarmService> {
    const path = alarmsFile(dataDir);
    const engine = new AlarmEngine(cfg, await loadAlarmState(path));
    return new AlarmService(engine, cfg, path, snapshot, log);
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => this.evaluate(), this.cfg.evaluateMs);
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.webhook?.close();
    await this.saving;
  }

  evaluate(): void {
    try {
      this.engine.evaluate(this.snapshot());
    } catch (err) {
      // A snapshot that cannot be taken is no reason to stop the node; the next tick tries again.
      this.log.warn({ err }, 'alarm evaluation failed');
    }
  }

  list(): Alarm[] {
    return this.engine.list();
  }

  history(): Alarm[] {
    return this.engine.historyList();
  }

  ack(id: string, by: string): boolean {
    return this.engine.ack(id, by, Date.now());
  }

  watch(listener: AlarmListener): () => void {
    return this.engine.watch(listener);
  }

  private persist(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.saving = this.saving.then(async () => {
      this.dirty = false;
      await saveAlarmState(this.path, this.engine.state()).catch((err: unknown) =>
        this.log.warn({ err }, 'alarms could not be saved'),
      );
    });
  }
}
