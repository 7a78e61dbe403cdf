// The rest of the frozen-peer faults (frozen-peer-kit.ts), in `npm run test:long`: a primary
// stopped with SIGSTOP (the others change view and keep committing; it catches up when
// continued), and a killed backup whose P2P port a tarpit holds (accepts, never answers: every
// survivor's dial hangs until its deadline and none of them exits). frozen-peer.test.ts keeps the
// frozen backup in `npm test`.
import { describe, expect, it } from 'vitest';
import {
  ALL,
  cluster,
  expectCommitted,
  expectNoUncaught,
  freeze,
  heights,
  Load,
  status,
  survive,
  type Tarpit,
  tarpitOn,
  until,
  useFrozenPeerCluster,
} from './frozen-peer-kit.js';

useFrozenPeerCluster();

describe('a validator that accepts connections and never answers', () => {
  it('a frozen primary: the others change view and keep committing; it catches up when continued', async () => {
    const load = new Load(ALL);
    await until('the first blocks', async () => Math.min(...(await heights(ALL))) >= 2, 60_000, ALL);
    const primary = (await status(0)).primary;
    await freeze(primary, load);
    const after = await status((primary + 1) % 4);
    expect(after.primary).not.toBe(primary);
    await expectNoUncaught(ALL);
    await load.stop();
    expect(load.rejected).toEqual([]);
    await expectCommitted(
      load,
      ALL.filter((i) => i !== primary),
      (primary + 1) % 4,
    );
  }, 180_000);

  it('a killed backup whose port a tarpit holds: the others keep committing', async () => {
    const c = cluster();
    const primary = (await status(0)).primary;
    const x = (primary + 1) % 4;
    const load = new Load(ALL.filter((i) => i !== x));
    let tarpit: Tarpit | undefined;
    const others = await survive(x, load, async () => {
      c.procs[x]!.child.kill('SIGKILL');
      await c.procs[x]!.exited;
      tarpit = await tarpitOn(x);
    });
    // Each survivor dialled the tarpit and gave up at the deadline (and is still running).
    await until('three dials to the tarpit given up', async () => tarpit!.hungUp >= 3, 30_000, others).catch(
      (err: Error) => {
        throw new Error(`${err.message} (accepted ${tarpit!.accepted}, given up ${tarpit!.hungUp})`);
      },
    );
    const h = Math.max(...(await heights(others)));
    await until('two more blocks', async () => Math.min(...(await heights(others))) >= h + 2, 30_000, others);
    await expectNoUncaught(others);

    await load.stop();
    expect(load.rejected).toEqual([]);
    await expectCommitted(load, others, others[0]!);
  }, 90_000);
});
