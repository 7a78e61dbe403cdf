// The fault proxies of a whole cluster: one FaultLink per directed pair of nodes (A→B forwards to
// B's real p2p port), and the network faults the runner applies with them: disconnect one node,
// partition the nodes into groups, stall or delay a node's links, heal everything.
import { FaultLink } from './fault-proxy.js';

export class FaultNet {
  /** links[a][b]: the link node a dials node b through (undefined when a === b). */
  private readonly links: (FaultLink | undefined)[][];

  private constructor(links: (FaultLink | undefined)[][]) {
    this.links = links;
  }

  /** Starts n·(n−1) links on free loopback ports towards each node's p2p port. */
  static async start(p2pPorts: readonly number[], random: () => number = Math.random): Promise<FaultNet> {
    const n = p2pPorts.length;
    const links: (FaultLink | undefined)[][] = [];
    try {
      for (let a = 0; a < n; a++) {
        const row: (FaultLink | undefined)[] = [];
        links.push(row);
        for (let b = 0; b < n; b++) {
          if (a === b) {
            row.push(undefined);
            continue;
          }
          const link = new FaultLink({ host: '127.0.0.1', port: p2pPorts[b]! }, random);
          row.push(link);
          await link.start();
        }
      }
    } catch (err) {
      await new FaultNet(links).close();
      throw err;
    }
    return new FaultNet(links);
  }

  get size(): number {
    return this.links.length;
  }

  /**
   * Points the links at the nodes' p2p ports. The links are started first, holding their ports,
   * so that the free ports then picked for the nodes cannot be one of theirs.
   */
  setTargets(p2pPorts: readonly number[]): void {
    for (let a = 0; a < this.size; a++)
      for (let b = 0; b < this.size; b++)
        if (a !== b) this.link(a, b).target = { host: '127.0.0.1', port: p2pPorts[b]! };
  }

  /** The port node `from` dials to reach node `to`. */
  port(from: number, to: number): number {
    return this.link(from, to).port;
  }

  link(from: number, to: number): FaultLink {
    const l = this.links[from]?.[to];
    if (l === undefined) throw new RangeError(`no link ${from}→${to}`);
    return l;
  }

  /** Every link into and out of node i. */
  linksOf(i: number): FaultLink[] {
    const out: FaultLink[] = [];
    for (let j = 0; j < this.size; j++) if (j !== i) out.push(this.link(i, j), this.link(j, i));
    return out;
  }

  disconnect(i: number): void {
    for (const l of this.linksOf(i)) l.cut();
  }

  stall(i: number): void {
    for (const l of this.linksOf(i)) l.stall();
  }

  delay(i: number, ms: number, jitterMs: number): void {
    for (const l of this.linksOf(i)) l.setDelay(ms, jitterMs);
  }

  /** Cuts every link between nodes of different groups; a node in no group is cut from all. */
  partition(groups: readonly (readonly number[])[]): void {
    const groupOf = new Map<number, number>();
    groups.forEach((g, k) => {
      for (const i of g) groupOf.set(i, k);
    });
    for (let a = 0; a < this.size; a++)
      for (let b = 0; b < this.size; b++) {
        if (a === b) continue;
        const ga = groupOf.get(a);
        if (ga === undefined || ga !== groupOf.get(b)) this.link(a, b).cut();
      }
  }

  /** Every link of node i (or of every node) open again, without delay. */
  heal(i?: number): void {
    const links = i === undefined ? this.all() : this.linksOf(i);
    for (const l of links) {
      l.heal();
      l.setDelay(0, 0);
    }
  }

  all(): FaultLink[] {
    return this.links.flat().filter((l): l is FaultLink => l !== undefined);
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((l) => l.close()));
  }
}
