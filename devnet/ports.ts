// Port allocation for local clusters: either a fixed block from --base-port, or ports the OS
// hands out as free (ephemeral), which tests use so that parallel runs never collide.
import { createServer } from 'node:net';

export interface NodePorts {
  p2p: number;
  rpc: number;
  mgmt: number;
}

/** Node i of a cluster on a base port: p2p base+3i, rpc base+3i+1, mgmt base+3i+2. */
export function portsFromBase(base: number, index: number): NodePorts {
  const p = base + 3 * index;
  return { p2p: p, rpc: p + 1, mgmt: p + 2 };
}

/** Asks the OS for `count` distinct free TCP ports on 127.0.0.1. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import('node:net').Server>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const addr = s.address();
    if (addr === null || typeof addr === 'string') throw new Error('no port assigned');
    return addr.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
  return ports;
}

export async function freeNodePorts(n: number): Promise<NodePorts[]> {
  const ports = await freePorts(3 * n);
  return Array.from({ length: n }, (_, i) => ({
    p2p: ports[3 * i]!,
    rpc: ports[3 * i + 1]!,
    mgmt: ports[3 * i + 2]!,
  }));
}
