// The consensus stream's lines (node/consensus-log.ts): a view change logged once when it starts
// and once when the new view is entered, never for the state a node starts from or a repeat.
import { describe, expect, it } from 'vitest';
import { ConsensusLog } from '../../../node/consensus-log.js';
import { loggerFrom } from '../../../runtime/log.js';

describe('consensus stream', () => {
  it('logs view changes from the persisted view, once each', () => {
    const lines: [string, string, Record<string, unknown> | undefined][] = [];
    const c = new ConsensusLog(loggerFrom((level, msg, meta) => lines.push([level, msg, meta])));
    c.view(3, false);
    c.view(3, false);
    c.view(4, true);
    c.view(4, true);
    c.view(4, false);
    expect(lines).toEqual([
      ['info', 'view change started', { event: 'consensus.view-change', from: 3, to: 4 }],
      ['info', 'new view entered', { event: 'consensus.view', from: 4, view: 4 }],
    ]);
  });
});
