// Contract state: the system contracts' key/value state, held in memory (it is small: admins,
// params, sites, SCP keys, replay windows, open proposals) and persisted by its owner (a node's
// ContractState bucket, the platform's database). Values are canonical JSON (sorted keys) so every
// node serializes the same object to the same bytes. Writes of a block are staged; flush() returns
// them as the block's state changes (persisted with the block, atomically) and updates the state root.
import type { StateChange } from './execution.js';
import { StateRootTree } from './state-root.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const enc = new TextEncoder();
const dec = new TextDecoder();

/** JSON with object keys sorted at every level: one byte string per value. */
export function canonicalJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k] as Json)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export class ContractState {
  private readonly committed = new Map<string, Uint8Array>();
  private readonly parsed = new Map<string, Json>();
  private readonly staged = new Map<string, Json | undefined>();
  private readonly tree = new StateRootTree();

  /** State from (key, value bytes) pairs: the node's ContractState bucket, the platform's store. */
  static fromEntries(entries: Iterable<[string, Uint8Array]>): ContractState {
    const s = new ContractState();
    for (const [k, v] of entries) {
      s.committed.set(k, v);
      s.tree.set(k, v);
    }
    return s;
  }

  get size(): number {
    return this.committed.size;
  }

  /** The value under k, staged writes first. Returned objects are shared: never mutate them. */
  get<T extends Json>(k: string): T | undefined {
    if (this.staged.has(k)) return this.staged.get(k) as T | undefined;
    const cached = this.parsed.get(k);
    if (cached !== undefined) return cached as T;
    const raw = this.committed.get(k);
    if (raw === undefined) return undefined;
    const v = JSON.parse(dec.decode(raw)) as Json;
    this.parsed.set(k, v);
    return v as T;
  }

  /** The committed bytes under k (canonical JSON), staged writes ignored. */
  raw(k: string): Uint8Array | undefined {
    return this.committed.get(k);
  }

  put(k: string, v: Json): void {
    this.staged.set(k, v);
  }

  del(k: string): void {
    this.staged.set(k, undefined);
  }

  /** Keys (committed or staged, not deleted) starting with prefix, sorted. */
  keys(prefix: string): string[] {
    const out = new Set<string>();
    for (const k of this.committed.keys()) if (k.startsWith(prefix)) out.add(k);
    for (const [k, v] of this.staged) {
      if (!k.startsWith(prefix)) continue;
      if (v === undefined) out.delete(k);
      else out.add(k);
    }
    return [...out].sort();
  }

  /** Commits the staged writes in memory and returns them as store state changes. */
  flush(): StateChange[] {
    const changes: StateChange[] = [];
    for (const k of [...this.staged.keys()].sort()) {
      const v = this.staged.get(k);
      const kb = enc.encode(k);
      if (v === undefined) {
        if (!this.committed.delete(k)) continue;
        this.parsed.delete(k);
        this.tree.set(k, undefined);
        changes.push({ key: kb, value: undefined });
      } else {
        const bytes = enc.encode(canonicalJson(v));
        this.committed.set(k, bytes);
        this.parsed.set(k, v);
        this.tree.set(k, bytes);
        changes.push({ key: kb, value: bytes });
      }
    }
    this.staged.clear();
    return changes;
  }

  /** Drops staged writes (the block could not be committed; the node reloads from the Db). */
  discard(): void {
    this.staged.clear();
  }

  root(): Uint8Array {
    return this.tree.root();
  }

  /** Every committed entry (genesis export, tests). */
  entries(): [string, Uint8Array][] {
    return [...this.committed.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}
