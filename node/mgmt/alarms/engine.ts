// The alarm engine: conditions in (from the rules, on each evaluation), alarms out. A condition
// must hold for its rule's hold time before its alarm is raised, and stay away for clearMs before
// the alarm clears, so a flap shorter than either never pages. No clock and no I/O: the snapshot
// carries the time; persistence and notification are the caller's (listeners, `state()`).
import { type AlarmsConfig, holdOf } from './config.js';
import { evaluateRules } from './rules.js';
import type { Snapshot } from './signals.js';
import { type Alarm, alarmId, type Condition, runbookOf } from './types.js';

export type AlarmEvent = { kind: 'raised' | 'cleared' | 'acknowledged' | 'updated'; alarm: Alarm };
export type AlarmListener = (e: AlarmEvent) => void;

/** What is persisted: active alarms and the bounded history of cleared ones (newest last). */
export interface AlarmState {
  active: Alarm[];
  history: Alarm[];
}

/** Snapshots kept for the windowed rules: at most this many (evaluations are periodic). */
const MAX_SAMPLES = 4096;

export class AlarmEngine {
  private readonly active = new Map<string, Alarm>();
  private history: Alarm[] = [];
  /** First time each not-yet-raised condition was seen (continuously). */
  private readonly pendingSince = new Map<string, number>();
  /** First time each active alarm's condition was missed (continuously). */
  private readonly absentSince = new Map<string, number>();
  private samples: { at: number; height: number; snap: Snapshot; rss: number }[] = [];
  private readonly listeners = new Set<AlarmListener>();

  constructor(
    private readonly cfg: Pick<AlarmsConfig, 'holdMs' | 'clearMs' | 'thresholds' | 'historySize'>,
    restored?: AlarmState,
  ) {
    for (const a of restored?.active ?? []) this.active.set(a.id, a);
    this.history = (restored?.history ?? []).slice(-cfg.historySize);
  }

  watch(l: AlarmListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  list(): Alarm[] {
    return [...this.active.values()].map((a) => ({ ...a }));
  }

  historyList(): Alarm[] {
    return this.history.map((a) => ({ ...a }));
  }

  state(): AlarmState {
    return { active: this.list(), history: this.historyList() };
  }

  /** Acknowledges an active alarm; false when there is none with that ID. */
  ack(id: string, by: string, now: number): boolean {
    const a = this.active.get(id);
    if (a === undefined) return false;
    if (a.state !== 'acknowledged') {
      a.state = 'acknowledged';
      a.acknowledgedAt = now;
      a.acknowledgedBy = by;
      this.emit('acknowledged', a);
    }
    return true;
  }

  /** One evaluation: runs the rules on `snap` and applies hold and clear times at `snap.now`. */
  evaluate(snap: Snapshot): void {
    const now = snap.now;
    this.remember(snap);
    const t = this.cfg.thresholds;
    const windowAgo = this.oldestWithin(now, t.windowMs);
    const memory = this.samples.filter((s) => s.at >= now - t.memoryWindowMs);
    const covered = memory.length > 0 && memory[0]!.at <= now - t.memoryWindowMs / 2;
    const conditions = evaluateRules({
      now: snap,
      windowAgo,
      minRssInWindow: covered ? Math.min(...memory.map((s) => s.rss)) : undefined,
      t,
    });
    const present = new Set<string>();
    for (const c of conditions) {
      const id = alarmId(c.rule, c.subject);
      present.add(id);
      this.absentSince.delete(id);
      const a = this.active.get(id);
      if (a !== undefined) {
        this.refresh(a, c, snap);
        continue;
      }
      const since = this.pendingSince.get(id) ?? now;
      this.pendingSince.set(id, since);
      if (now - since >= holdOf(this.cfg, c.rule)) this.raise(id, c, snap);
    }
    for (const id of [...this.pendingSince.keys()]) if (!present.has(id)) this.pendingSince.delete(id);
    for (const [id, a] of this.active) {
      if (present.has(id)) continue;
      const since = this.absentSince.get(id) ?? now;
      this.absentSince.set(id, since);
      if (now - since >= this.cfg.clearMs) this.clear(a, now);
    }
  }

  private remember(snap: Snapshot): void {
    const keep = Math.max(this.cfg.thresholds.windowMs, this.cfg.thresholds.memoryWindowMs);
    this.samples.push({ at: snap.now, height: snap.height, snap, rss: snap.rssBytes });
    const from = this.samples.findIndex((s) => s.at >= snap.now - keep);
    // One sample older than the window stays: it is the "window ago" of the next evaluation.
    if (from > 1) this.samples = this.samples.slice(from - 1);
    if (this.samples.length > MAX_SAMPLES) this.samples = this.samples.slice(-MAX_SAMPLES);
  }

  /** The newest snapshot at least `windowMs` old; undefined while the window is not covered yet. */
  private oldestWithin(now: number, windowMs: number): Snapshot | undefined {
    let found: Snapshot | undefined;
    for (const s of this.samples) {
      if (s.at > now - windowMs) break;
      found = s.snap;
    }
    return found;
  }

  private raise(id: string, c: Condition, snap: Snapshot): void {
    this.pendingSince.delete(id);
    const a: Alarm = {
      id,
      rule: c.rule,
      severity: c.severity,
      location: { node: snap.self, height: snap.height, ...c.location },
      cause: c.cause,
      analysis: c.analysis,
      recovery: c.recovery,
      runbook: runbookOf(c.rule),
      state: 'raised',
      raisedAt: snap.now,
      updatedAt: snap.now,
    };
    this.active.set(id, a);
    this.emit('raised', a);
  }

  private refresh(a: Alarm, c: Condition, snap: Snapshot): void {
    const changed = a.cause !== c.cause || a.severity !== c.severity || a.recovery !== c.recovery;
    a.updatedAt = snap.now;
    if (!changed) return;
    a.cause = c.cause;
    a.analysis = c.analysis;
    a.severity = c.severity;
    a.recovery = c.recovery;
    this.emit('updated', a);
  }

  private clear(a: Alarm, now: number): void {
    this.active.delete(a.id);
    this.absentSince.delete(a.id);
    a.state = 'cleared';
    a.clearedAt = now;
    this.history.push(a);
    if (this.history.length > this.cfg.historySize)
      this.history.splice(0, this.history.length - this.cfg.historySize);
    this.emit('cleared', a);
  }

  private emit(kind: AlarmEvent['kind'], a: Alarm): void {
    const alarm = { ...a };
    for (const l of this.listeners) l({ kind, alarm });
  }
}
