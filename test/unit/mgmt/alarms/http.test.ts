// GET /alarms and GET /alarms/history on the management port, and the bkdms_alarms_active metric,
// in front of a real alarm engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmsConfigSchema } from '../../../../node/mgmt/alarms/config.js';
import { AlarmEngine } from '../../../../node/mgmt/alarms/engine.js';
import type { Snapshot } from '../../../../node/mgmt/alarms/signals.js';
import type { Alarm } from '../../../../node/mgmt/alarms/types.js';
import { createNodeMetrics, registerAlarmMetric } from '../../../../node/mgmt/metrics.js';
import { type MgmtServer, startMgmtServer } from '../../../../node/mgmt/server.js';
import { createLogs } from '../../../../runtime/log.js';

const engine = new AlarmEngine(alarmsConfigSchema.parse({ holdMs: { 'peer-unreachable': 0 }, clearMs: 0 }));
const metrics = createNodeMetrics({ processMetrics: false, labels: { node: '0' } });
registerAlarmMetric(metrics, () => engine.list());
let server: MgmtServer;
let base: string;

function snap(now: number, down: number[]): Snapshot {
  return {
    now,
    self: 0,
    validators: [0, 1, 2, 3, 4, 5, 6].map((index) => ({
      index,
      connected: !down.includes(index),
      height: 1,
    })),
    height: 1,
    hashes: {},
    pending: 0,
    catchingUp: false,
    inViewChange: false,
    viewChanges: 0,
    votesSent: 0,
    evidence: [],
    rssBytes: 1,
  };
}

beforeAll(async () => {
  server = await startMgmtServer({
    listen: '127.0.0.1:0',
    registry: metrics.registry,
    health: () => ({ ready: true }),
    status: () => ({}),
    logs: createLogs({ spec: 'info', destination: { write: () => {} } }),
    alarms: { list: () => engine.list(), history: () => engine.historyList() },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

const get = async (path: string) => ((await (await fetch(base + path)).json()) as { alarms: Alarm[] }).alarms;

describe('alarms over the management port', () => {
  it('serves the active alarms, the history and the metric', async () => {
    engine.evaluate(snap(1, [3, 5]));
    expect((await get('/alarms')).map((a) => a.id).sort()).toEqual([
      'peer-unreachable:peer-3',
      'peer-unreachable:peer-5',
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('bkdms_alarms_active{severity="major",rule="peer-unreachable",node="0"} 2');
    engine.evaluate(snap(2, [5]));
    expect((await get('/alarms')).map((a) => a.id)).toEqual(['peer-unreachable:peer-5']);
    expect((await get('/alarms/history')).map((a) => [a.id, a.state])).toEqual([
      ['peer-unreachable:peer-3', 'cleared'],
    ]);
    engine.evaluate(snap(3, []));
    // No active alarm: the series is gone, not left at its last value.
    expect(await metrics.registry.metrics()).not.toMatch(/bkdms_alarms_active\{/);
  });
});
