// Helpers of the p2p integration tests: identities, nodes on 127.0.0.1 with ephemeral ports, and
// waiting for an event with a deadline (never a sleep).
import { randomBytes } from 'node:crypto';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import {
  defaultP2POptions,
  type NodeIdentity,
  P2P,
  type P2PEventMap,
  type P2POptions,
} from '../../node/p2p/index.js';

export const CHAIN = 'test-chain';

export async function makeIdentity(): Promise<NodeIdentity> {
  const seed = new Uint8Array(randomBytes(32));
  const key = await generateKeyPairFromSeed('Ed25519', seed);
  return { seed, publicKey: key.publicKey.raw };
}

export async function makeIdentities(n: number): Promise<NodeIdentity[]> {
  return Promise.all(Array.from({ length: n }, () => makeIdentity()));
}

export function testOptions(overrides: Partial<P2POptions> = {}): P2POptions {
  return {
    ...defaultP2POptions(CHAIN),
    redialMinMs: 50,
    redialMaxMs: 500,
    requestTimeoutMs: 3_000,
    dialTimeoutMs: 3_000,
    ...overrides,
  };
}

/** Resolves with the first event `name` of `node` that satisfies `pred`; rejects after `ms`. */
export function waitFor<K extends keyof P2PEventMap>(
  node: P2P,
  name: K,
  pred: (ev: P2PEventMap[K]) => boolean = () => true,
  ms = 10_000,
): Promise<P2PEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${ms} ms waiting for ${name}`));
    }, ms);
    const off = node.on(name, (ev) => {
      if (!pred(ev)) return;
      clearTimeout(timer);
      off();
      resolve(ev);
    });
  });
}

/** Waits until `check()` holds, re-checking on every event of `node` (no polling). */
export function until(node: P2P, check: () => boolean, what: string, ms = 10_000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const offs: Array<() => void> = [];
    const done = (err?: Error): void => {
      clearTimeout(timer);
      for (const off of offs) off();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    const recheck = (): void => {
      if (check()) done();
    };
    offs.push(
      node.on('peer:connect', recheck),
      node.on('peer:disconnect', recheck),
      node.on('subscribers', recheck),
    );
  });
}

/**
 * Starts one node per identity, all allowing `allowed` (default: every identity), each
 * bootstrapping to the nodes started before it; resolves when all are connected and subscribed.
 */
export async function startMesh(
  ids: NodeIdentity[],
  opts: Partial<P2POptions> | ((index: number) => Partial<P2POptions>) = {},
): Promise<P2P[]> {
  const validators = ids.map((i) => i.publicKey);
  const nodes: P2P[] = [];
  for (const identity of ids) {
    const bootstrap = nodes.flatMap((n) => n.addresses);
    const own = typeof opts === 'function' ? opts(nodes.length) : opts;
    nodes.push(await startNode(identity, validators, { ...own, bootstrap }));
  }
  const others = ids.length - 1;
  await Promise.all(
    nodes.map((n) =>
      until(
        n,
        () =>
          n.connectedValidators() === others &&
          n.subscribers('envelopes').length === others &&
          n.subscribers('consensus').length === others,
        `mesh of ${ids.length}`,
      ),
    ),
  );
  return nodes;
}

/** Every node started by these helpers; `stopStarted` (an afterEach hook) stops them all. */
const started: P2P[] = [];

export async function startNode(
  identity: NodeIdentity,
  validators: Uint8Array[],
  opts: Partial<P2POptions> = {},
): Promise<P2P> {
  const node = new P2P({ identity, validators, options: testOptions(opts) });
  started.push(node);
  await node.start();
  return node;
}

export async function stopStarted(): Promise<void> {
  const all = started.splice(0);
  await Promise.all(all.map((n) => n.stop()));
}
