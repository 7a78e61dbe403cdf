// Optional notification of raised and cleared alarms in the Alertmanager webhook format (version
// 4), so any receiver of Alertmanager's (chat bridges, paging) takes them as they are. Never blocks
// the node: notifications go into a bounded queue (the oldest is dropped when it is full, and
// counted), one POST at a time, retried with doubling backoff up to maxAttempts.
import type { Logger } from '../../../runtime/log.js';
import type { Alarm } from './types.js';

export interface WebhookOptions {
  url: string;
  timeoutMs: number;
  maxQueue: number;
  maxAttempts: number;
  /** First retry delay; doubles up to 60 s. */
  backoffMs?: number;
  log?: Logger;
  fetch?: typeof fetch;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** One alarm as an Alertmanager webhook message. */
export function alertmanagerMessage(a: Alarm): Record<string, unknown> {
  const status = a.state === 'cleared' ? 'resolved' : 'firing';
  const labels: Record<string, string> = {
    alertname: a.rule,
    severity: a.severity,
    node: String(a.location.node),
    component: a.location.component,
    alarm_id: a.id,
  };
  if (a.location.peer !== undefined) labels.peer = String(a.location.peer);
  return {
    version: '4',
    groupKey: `{}:{alarm_id="${a.id}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'bkdms',
    groupLabels: { alarm_id: a.id },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: '',
    alerts: [
      {
        status,
        labels,
        annotations: {
          summary: a.cause,
          description: a.analysis,
          runbook_url: a.runbook,
          ...(a.recovery === undefined ? {} : { recovery: a.recovery }),
        },
        startsAt: new Date(a.raisedAt).toISOString(),
        endsAt: a.clearedAt === undefined ? ZERO_TIME : new Date(a.clearedAt).toISOString(),
        generatorURL: '',
        fingerprint: a.id,
      },
    ],
  };
}

export class AlarmWebhook {
  private readonly queue: Record<string, unknown>[] = [];
  private sending = false;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  /** Messages dropped because the queue was full or every attempt failed. */
  dropped = 0;
  delivered = 0;

  constructor(private readonly o: WebhookOptions) {}

  notify(a: Alarm): void {
    if (this.closed) return;
    this.queue.push(alertmanagerMessage(a));
    if (this.queue.length > this.o.maxQueue) {
      this.queue.shift();
      this.dropped++;
    }
    void this.pump();
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.wake?.();
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      // The message in flight is out of the queue: a full queue drops the oldest waiting one.
      for (let msg = this.queue.shift(); msg !== undefined && !this.closed; msg = this.queue.shift()) {
        if (await this.deliver(msg)) this.delivered++;
        else this.dropped++;
      }
    } finally {
      this.sending = false;
    }
  }

  private async deliver(msg: Record<string, unknown>): Promise<boolean> {
    const doFetch = this.o.fetch ?? fetch;
    let delay = this.o.backoffMs ?? 1000;
    for (let attempt = 1; attempt <= this.o.maxAttempts && !this.closed; attempt++) {
      try {
        const res = await doFetch(this.o.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(msg),
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) return true;
        this.o.log?.warn({ status: res.status, attempt }, 'alarm webhook refused a notification');
      } catch (err) {
        this.o.log?.warn({ err: String(err), attempt }, 'alarm webhook failed');
      }
      if (attempt < this.o.maxAttempts) await this.sleep(delay);
      delay = Math.min(delay * 2, 60_000);
    }
    return false;
  }

  /** The backoff between attempts; cut short by close(). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }
}
