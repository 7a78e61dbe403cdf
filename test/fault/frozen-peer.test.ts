// A validator that accepts connections and never answers, on a real 4-node cluster under a light
// upload load (frozen-peer-kit.ts): a backup stopped with SIGSTOP. The other three must keep
// running and committing (PBFT tolerates f = 1): a dial that hangs in the handshake used to end
// the dialing node. The frozen node catches up once it is continued. The frozen primary and the
// tarpit on a killed backup's port are frozen-peer.long.test.ts (`npm run test:long`).
import { describe, expect, it } from 'vitest';
import {
  ALL,
  expectCommitted,
  expectNoUncaught,
  freeze,
  heights,
  Load,
  status,
  until,
  useFrozenPeerCluster,
} from './frozen-peer-kit.js';

useFrozenPeerCluster();

describe('a validator that accepts connections and never answers', () => {
  it('a frozen backup: the others keep committing; it catches up when continued', async () => {
    const load = new Load(ALL);
    await until('the first blocks', async () => Math.min(...(await heights(ALL))) >= 2, 60_000, ALL);
    const primary = (await status(0)).primary;
    const x = (primary + 1) % 4;
    await freeze(x, load);
    await expectNoUncaught(ALL);
    await load.stop();
    expect(load.rejected).toEqual([]);
    // What the frozen node acknowledged just before it stopped may have reached no one else, and by
    // the time it is continued the site's replay window can have moved past it: ACCEPTED is not
    // durable (docs/rpc.md), a site keeps such an envelope and makes the reading anew. Everything
    // a node that kept running acknowledged commits.
    await expectCommitted(
      load,
      ALL.filter((i) => i !== x),
      primary,
    );
  }, 180_000);
});
