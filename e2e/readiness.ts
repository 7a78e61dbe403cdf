// Readiness of an e2e cluster before faults start: every started node connected to every other
// (through the fault proxies), then a first block committed under load, so that perturbations
// timed in a manifest meet a chain that is running, however loaded the machine is.
import { pause } from '../api/retry.js';
import type { E2ECluster } from './cluster.js';
import { E2EError, E2EErrorCode } from './errors.js';
import { maxHeight } from './perturb.js';

/** Bounds of the start stage: all started nodes connected, then a first block under load (ms). */
export const MESH_MS = 120_000;
export const FIRST_BLOCK_MS = 60_000;

/** Resolves once each of `nodes` reports every other one of them as a peer. */
export async function waitForMesh(c: E2ECluster, nodes: readonly number[], ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const peers = await Promise.all(
      nodes.map((i) =>
        c
          .client(i)
          .getStatus({ deadlineMs: 5_000 })
          .then((s) => s.peers.length)
          .catch(() => -1),
      ),
    );
    if (peers.every((p) => p >= nodes.length - 1)) return;
    if (Date.now() > end)
      throw new E2EError(
        E2EErrorCode.RunFailed,
        `nodes not connected within ${ms} ms (peers: ${peers.join(', ')})`,
      );
    await pause(250);
  }
}

export async function waitForFirstBlock(c: E2ECluster, ms: number): Promise<number> {
  const start = Date.now();
  while ((await maxHeight(c, c.up())) < 1) {
    if (Date.now() - start > ms)
      throw new E2EError(E2EErrorCode.RunFailed, `no block within ${ms} ms of load`);
    await pause(250);
  }
  return Date.now() - start;
}
