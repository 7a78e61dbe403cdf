// CPU per consensus broadcast on four in-process P2P nodes (full mesh, loopback): by gossip, or
// on the persistent per-peer streams. Every node broadcasts in turn; a round ends when each
// message reached the three other nodes. CPU is the process's (user + system) over the round,
// all four nodes and libp2p together, so the figure includes gossip's forwarding of duplicates.
// Rounds alternate between the routes. Usage: node build/bench/consensus-route.js [rounds] [msgs] [bytes]
import '../node/polyfill.js';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { defaultP2POptions, type NodeIdentity, P2P } from '../node/p2p/index.js';

async function identity(): Promise<NodeIdentity> {
  const seed = new Uint8Array(randomBytes(32));
  return { seed, publicKey: (await generateKeyPairFromSeed('Ed25519', seed)).publicKey.raw };
}

async function mesh(n: number): Promise<P2P[]> {
  const ids = await Promise.all(Array.from({ length: n }, () => identity()));
  const validators = ids.map((i) => i.publicKey);
  const nodes: P2P[] = [];
  for (const id of ids) {
    const options = {
      ...defaultP2POptions('bench'),
      bootstrap: nodes.flatMap((x) => x.addresses),
      messageRate: { perSecond: 1e9, burst: 1e9 },
    };
    const node = new P2P({ identity: id, validators, options });
    await node.start();
    nodes.push(node);
  }
  const ready = () =>
    nodes.every((x) => x.connectedValidators() === n - 1 && x.subscribers('consensus').length === n - 1);
  while (!ready()) await new Promise((r) => setTimeout(r, 50));
  return nodes;
}

/** Unique bytes (gossip drops repeats by content). */
let serial = 0;
function message(bytes: number): Uint8Array {
  const b = new Uint8Array(bytes);
  new DataView(b.buffer).setUint32(0, ++serial);
  return b;
}

async function round(nodes: P2P[], route: 'gossip' | 'direct', msgs: number, bytes: number): Promise<number> {
  const expected = msgs * (nodes.length - 1);
  let got = 0;
  let resolve: () => void = () => {};
  const done = new Promise<void>((r) => (resolve = r));
  const offs = nodes.map((x) =>
    x.on('message', () => {
      if (++got === expected) resolve();
    }),
  );
  const t0 = process.cpuUsage();
  for (let i = 0; i < msgs; i++) {
    await nodes[i % nodes.length]!.broadcastConsensus(message(bytes), route);
    // A window of sends in flight, as consensus has (a few messages per height).
    if (i % 16 === 15) await new Promise((r) => setImmediate(r));
  }
  await done;
  const used = process.cpuUsage(t0);
  for (const off of offs) off();
  return (used.user + used.system) / msgs;
}

async function main(): Promise<void> {
  const [rounds, msgs, bytes] = [
    Number(process.argv[2] ?? 6),
    Number(process.argv[3] ?? 2000),
    Number(process.argv[4] ?? 200),
  ];
  const nodes = await mesh(4);
  try {
    await round(nodes, 'gossip', 200, bytes);
    await round(nodes, 'direct', 200, bytes);
    const res: Record<string, number[]> = { gossip: [], direct: [] };
    for (let r = 0; r < rounds; r++) {
      for (const route of r % 2 === 0 ? (['gossip', 'direct'] as const) : (['direct', 'gossip'] as const))
        res[route]!.push(await round(nodes, route, msgs, bytes));
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    for (const [k, v] of Object.entries(res))
      process.stdout.write(
        `${k}: CPU µs per broadcast (4 nodes): ${v.map((x) => x.toFixed(0)).join(', ')}; median ${med(v).toFixed(0)}\n`,
      );
    process.stdout.write(
      `messages ${msgs} x ${bytes} B per round; load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}\n`,
    );
  } finally {
    await Promise.all(nodes.map((x) => x.stop()));
  }
}

await main();
