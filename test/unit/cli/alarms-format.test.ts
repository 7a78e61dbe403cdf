import { describe, expect, it } from 'vitest';

import { formatAlarms } from '../../../cli/alarms-cmd.js';
import type { Alarm } from '../../../node/mgmt/alarms/types.js';
import { buildProgram } from './program.js';

const base: Alarm = {
  id: 'lagging:self',
  rule: 'lagging',
  severity: 'minor',
  location: { node: 0, component: 'consensus', height: 5 },
  cause: '20 blocks behind',
  analysis: 'slow disk',
  runbook: 'docs/operations.md#alarm-lagging',
  state: 'raised',
  raisedAt: 1000,
  updatedAt: 1000,
};

describe('bkdms alarms table', () => {
  it('puts the most severe first and shows recovery, acknowledgement and runbook', () => {
    const lost: Alarm = {
      ...base,
      id: 'quorum-lost:chain',
      rule: 'quorum-lost',
      severity: 'critical',
      raisedAt: 2000,
      recovery: 're-dialing',
      state: 'acknowledged',
      acknowledgedBy: 'ops',
    };
    const out = formatAlarms([base, lost], 12_000);
    const lines = out.split('\n');
    expect(lines[0]).toBe('CRITICAL quorum-lost:chain  (acknowledged 10 s ago)');
    expect(out).toContain('node: re-dialing');
    expect(out).toContain('acknowledged by ops');
    expect(out.indexOf('MINOR    lagging:self  (raised 11 s ago)')).toBeGreaterThan(0);
    expect(out).toContain('runbook: docs/operations.md#alarm-lagging');
  });

  it('says so when there is none', () => {
    expect(formatAlarms([], 0)).toBe('no alarms\n');
  });
});

describe('bkdms alarms arguments', () => {
  it('gives the flags after `ack <id>` to ack, those before it to the list', async () => {
    const program = await buildProgram();
    const alarms = program.commands.find((c) => c.name() === 'alarms')!;
    const ack = alarms.commands.find((c) => c.name() === 'ack')!;
    const seen: Record<string, unknown>[] = [];
    ack.action((id: string, o: Record<string, unknown>) => {
      seen.push({ id, ...o });
    });
    await program.parseAsync(['alarms', 'ack', 'lagging:self', '--rpc', '10.0.0.5:7001', '--json'], {
      from: 'user',
    });
    expect(seen).toEqual([expect.objectContaining({ id: 'lagging:self', rpc: '10.0.0.5:7001', json: true })]);
    expect(alarms.opts().rpc).toBeUndefined();
  });
});
