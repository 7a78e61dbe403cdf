// Interpreter of the scenario transcripts in testdata/*.txt (etcd raft's datadriven style): one
// command per line, `#` starts a comment. Commands:
//   cluster n=4 [seed=1] [k=4] [l=8] [period=10] [timeout=30] [maxtimeout=300] [reqtimeout=100]
//           [batch=16] [future=64] [envelopes=1000] [bytes=4194304] [empty] [twins=3] [observers=3]
//           [drop=0.1] [dup=0.1] [delay=1-20]
//   request <count> [at=0,1] [size=300] [name=c]
//                                     admit new envelopes (at every live node, or only these), each
//                                     padded to `size` bytes; `name` (count 1) names it for txat/txview
//   mark                              viewat@ counts ticks from now (from the cluster's start before)
//   resubmit <count> [at=0,1]         admit again the last <count> envelopes requested
//   run <ticks>                       advance time
//   load <blocks> [max=T]             one envelope, run until a block commits; repeat
//   run-until <key> <op> <value> [max=T]   advance until the expectation holds (fails after T ticks)
//   crash <addr> | restart <addr>
//   partition 0,1|2,3 | heal          (heal also clears filters, drop and duplication)
//   filter [from=a] [to=b] [type=prepare]   drop matching messages until heal
//   byzantine <addr> <silent|equivocate|forge-view-change|omit-new-view>
//   replay <count>                    deliver the last <count> delivered messages to everyone again
//   inject-far <addr>                 <addr> sends far-future views and far-out-of-window sequences
//   validators from=<height> ids=0,1,2,4 [decided=<g>]   (decided: each node learns it on applying g)
//   params from=<height> [envelopes=n] [period=n] [timeout=n] [decided=<g>]   chain parameters
//   expect <key> <op> <value>         keys below; ops >= <= == > <
//   print                             appends the cluster summary to the output
// Keys: height@A, view@A, stable@A, evidence@A, transferred@A, viewchanges@A, dropped@A:reason,
// footprint@A:field, min-height / max-height (live honest nodes), committed (envelopes on the
// chain), txcount@H (envelopes in block H), bytes@H (envelope bytes in block H), cert@H / certview@H
// (signatures in / view of the certificate of height H), proposer@H,
// evidence-all (evidence records at honest nodes), agree (1 when every honest node's log is a
// prefix of one chain), viewat@A:v (tick, from the last mark, at whose end node A was first in view
// v, -1 if never), viewgap@A:v (ticks between node A first being in view v-1 and in view v),
// txat@name / txview@name (height / certificate view of the block holding the named envelope, -1
// if not committed), evidence@A:kind (A's records of kind pre-prepare|prepare|commit that hold two
// messages of that type for the record's (view, seq), with different digests, each signed by the
// offender's key: what the ledger needs as proof), evidence-by@A:id (A's records naming validator id).
import { consensusSigningBytes, type Unsigned } from '../../codec/consensus-signing.js';
import {
  type Commit,
  type ConsensusMessage,
  MessageType,
  type PrePrepare,
  type Prepare,
} from '../../codec/types.js';
import { bytesEqual, toHex } from '../../consensus/bytes.js';
import { type ConsensusParams, type Evidence, EvidenceKind, type Footprint } from '../../consensus/index.js';
import { Cluster, type ClusterOptions, TICK } from './cluster.js';
import { injectFar } from './inject.js';
import { CHAIN_ID } from './node.js';
import { stubHashHeader, stubPublicKey, stubVerify } from './stub-crypto.js';

export class TranscriptError extends Error {}

const TYPES: Record<string, MessageType> = {
  'pre-prepare': MessageType.PrePrepare,
  prepare: MessageType.Prepare,
  commit: MessageType.Commit,
  checkpoint: MessageType.Checkpoint,
  'view-change': MessageType.ViewChange,
  'new-view': MessageType.NewView,
  'state-request': MessageType.StateRequest,
  'state-response': MessageType.StateResponse,
};

function kv(args: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of args) {
    const i = a.indexOf('=');
    m.set(i < 0 ? a : a.slice(0, i), i < 0 ? '' : a.slice(i + 1));
  }
  return m;
}

const ids = (s: string | undefined): number[] | undefined => s?.split(',').map(Number);

/** Evidence kinds by transcript name, with the message type both of a record's messages must have. */
const EVIDENCE: Record<string, { kind: EvidenceKind; type: MessageType }> = {
  'pre-prepare': { kind: EvidenceKind.ConflictingPrePrepare, type: MessageType.PrePrepare },
  prepare: { kind: EvidenceKind.ConflictingPrepare, type: MessageType.Prepare },
  commit: { kind: EvidenceKind.ConflictingCommit, type: MessageType.Commit },
};

type Vote = PrePrepare | Prepare | Commit;

function signedBy(key: Uint8Array, m: ConsensusMessage): boolean {
  const { signature, ...body } = m;
  return stubVerify(key, consensusSigningBytes(CHAIN_ID, body as Unsigned<ConsensusMessage>), signature);
}

/**
 * Whether a record proves the equivocation on its own: both messages of the kind's type, for the
 * record's (view, seq), from one sender whose key (in the set at seq) is the offender, each
 * validly signed by it, with different digests; PRE-PREPAREs carry the blocks their digests name.
 */
function provesEquivocation(c: Cluster, e: Evidence, type: MessageType): boolean {
  const msgs = [e.first, e.second].filter((m): m is Vote => m.type === type);
  if (msgs.length !== 2) return false;
  const [a, b] = msgs as [Vote, Vote];
  const key = c.keysAt(e.seq)[a.sender];
  return (
    key !== undefined &&
    bytesEqual(key, e.offender) &&
    a.sender === b.sender &&
    !bytesEqual(a.digest, b.digest) &&
    msgs.every(
      (m) =>
        m.view === e.view &&
        m.seq === e.seq &&
        signedBy(e.offender, m) &&
        (m.type !== MessageType.PrePrepare || bytesEqual(stubHashHeader(m.block.header), m.digest)),
    )
  );
}

function clusterOptions(args: string[]): ClusterOptions {
  const a = kv(args);
  const num = (k: string) => (a.has(k) ? Number(a.get(k)) : undefined);
  const params: ClusterOptions['params'] = {};
  const set = (k: string, field: keyof NonNullable<ClusterOptions['params']>) => {
    const v = num(k);
    if (v !== undefined) (params as Record<string, number>)[field] = v;
  };
  set('k', 'checkpointInterval');
  set('l', 'windowSize');
  set('period', 'periodTicks');
  set('timeout', 'viewTimeoutTicks');
  set('maxtimeout', 'maxViewTimeoutTicks');
  set('reqtimeout', 'requestTimeoutTicks');
  set('batch', 'stateBatchBlocks');
  set('future', 'maxFutureMessages');
  set('envelopes', 'maxBlockEnvelopes');
  set('bytes', 'maxBlockBytes');
  if (a.has('empty')) params.emptyBlocks = true;
  const [lo, hi] = (a.get('delay') ?? '1-20').split('-').map(Number);
  return {
    n: num('n') ?? 4,
    seed: num('seed') ?? 1,
    params,
    twins: ids(a.get('twins')),
    observers: num('observers'),
    net: { drop: num('drop') ?? 0, duplicate: num('dup') ?? 0, minDelay: lo!, maxDelay: hi! },
  };
}

export class Transcript {
  c: Cluster | null = null;
  readonly output: string[] = [];
  private lastRequested: Uint8Array[] = [];
  private readonly named = new Map<string, Uint8Array>();
  /** Per node address: view -> the cluster tick at whose end the node was first seen in it. */
  private views: Map<number, number>[] = [];
  private markTick = 0;

  private get cluster(): Cluster {
    if (this.c === null) throw new TranscriptError('no cluster yet');
    return this.c;
  }

  /** Value of an expectation key. */
  value(key: string): number {
    const c = this.cluster;
    const [name, rest] = key.split('@') as [string, string | undefined];
    const [target, field] = (rest ?? '').split(':') as [string, string | undefined];
    const node = c.nodes[Number(target)];
    const live = c.honest().filter((n) => n.alive);
    switch (name) {
      case 'min-height':
        return Math.min(...live.map((n) => n.height));
      case 'max-height':
        return Math.max(...live.map((n) => n.height));
      case 'committed':
        return c.invariants.committedEnvelopes;
      case 'cert':
        return this.anyBlock(Number(target)).certificate.signatures.length;
      case 'certview':
        return this.anyBlock(Number(target)).certificate.view;
      case 'evidence-all':
        return c.honest().reduce((sum, n) => sum + n.evidence.length, 0);
      case 'txcount':
        return this.anyBlock(Number(target)).block.header.txCount;
      case 'proposer':
        return this.anyBlock(Number(target)).block.header.proposer;
      case 'agree':
        return this.agree() ? 1 : 0;
      case 'bytes':
        return this.anyBlock(Number(target)).block.envelopes.reduce((sum, e) => sum + e.length, 0);
      case 'txat':
        return this.holding(target)?.certificate.height ?? -1;
      case 'txview':
        return this.holding(target)?.certificate.view ?? -1;
    }
    if (node === undefined) throw new TranscriptError(`${key}: no node ${target}`);
    const st = node.replica?.state;
    switch (name) {
      case 'height':
        return node.height;
      case 'view':
        return st?.view ?? -1;
      case 'stable':
        return st?.stableSeq ?? -1;
      case 'evidence': {
        if (field === undefined) return node.evidence.length;
        const want = EVIDENCE[field];
        if (want === undefined) throw new TranscriptError(`unknown evidence kind ${field}`);
        return node.evidence.filter((e) => e.kind === want.kind && provesEquivocation(c, e, want.type))
          .length;
      }
      case 'evidence-by':
        return node.evidence.filter((e) => bytesEqual(e.offender, stubPublicKey(Number(field)))).length;
      case 'viewat': {
        const at = this.views[node.addr]?.get(Number(field));
        return at === undefined ? -1 : at - this.markTick;
      }
      case 'viewgap': {
        const v = Number(field);
        const [from, to] = [this.views[node.addr]?.get(v - 1), this.views[node.addr]?.get(v)];
        return from === undefined || to === undefined ? Number.NaN : to - from;
      }
      case 'transferred':
        return node.stats().transferred;
      case 'viewchanges':
        return node.stats().viewChanges;
      case 'dropped':
        return node.stats().dropped[field ?? ''] ?? 0;
      case 'footprint':
        return node.replica?.footprint()[field as keyof Footprint] ?? -1;
    }
    throw new TranscriptError(`unknown key ${key}`);
  }

  private anyBlock(height: number) {
    for (const n of this.cluster.honest()) {
      const b = n.log[height - 1];
      if (b !== undefined) return b;
    }
    throw new TranscriptError(`no honest node has height ${height}`);
  }

  /** The committed block (at an honest node) holding the envelope named `name`. */
  private holding(name: string) {
    const env = this.named.get(name);
    if (env === undefined) throw new TranscriptError(`no envelope named ${name}`);
    for (const n of this.cluster.honest()) {
      const cb = n.log.find((b) => b.block.envelopes.some((e) => bytesEqual(e, env)));
      if (cb !== undefined) return cb;
    }
    return undefined;
  }

  private noteViews(): void {
    const c = this.cluster;
    c.nodes.forEach((n, addr) => {
      const v = n.replica?.state.view;
      const seen = this.views[addr] ?? new Map<number, number>();
      this.views[addr] = seen;
      if (v !== undefined && !seen.has(v)) seen.set(v, c.ticks);
    });
  }

  private agree(): boolean {
    const canon = this.cluster.invariants.canon;
    return this.cluster
      .honest()
      .every((n) => n.log.every((b, i) => canon.get(i + 1) === toHex(b.certificate.blockHash)));
  }

  private holds(key: string, op: string, want: number): [boolean, number] {
    const got = this.value(key);
    const ok =
      op === '>='
        ? got >= want
        : op === '<='
          ? got <= want
          : op === '=='
            ? got === want
            : op === '>'
              ? got > want
              : op === '<'
                ? got < want
                : false;
    return [ok, got];
  }

  exec(line: string): void {
    const [cmd, ...args] = line.trim().split(/\s+/) as [string, ...string[]];
    const a = kv(args);
    switch (cmd) {
      case 'cluster':
        this.c = new Cluster({ ...clusterOptions(args), onTick: () => this.noteViews() });
        this.views = [];
        this.markTick = 0;
        this.named.clear();
        this.noteViews();
        return;
      case 'request': {
        const size = a.has('size') ? Number(a.get('size')) : undefined;
        this.lastRequested = this.cluster.request(Number(args[0]), ids(a.get('at')), size);
        const name = a.get('name');
        if (name !== undefined) {
          if (this.lastRequested.length !== 1) throw new TranscriptError('name= needs exactly one envelope');
          this.named.set(name, this.lastRequested[0]!);
        }
        return;
      }
      case 'mark':
        this.markTick = this.cluster.ticks;
        return;
      case 'resubmit':
        this.cluster.admit(this.lastRequested.slice(-Number(args[0])), ids(a.get('at')));
        return;
      case 'run':
        this.cluster.run(Number(args[0]));
        return;
      case 'load': {
        // One envelope at a time, each committed (at some honest node) before the next.
        const max = Number(a.get('max') ?? 400);
        for (let i = 0; i < Number(args[0]); i++) {
          const before = this.value('max-height');
          this.lastRequested = this.cluster.request(1);
          if (this.cluster.runUntil(() => this.value('max-height') > before, max) < 0)
            throw new TranscriptError(`load: block ${i + 1} did not commit in ${max} ticks`);
        }
        return;
      }
      case 'run-until': {
        const [key, op, v] = args as [string, string, string];
        const max = Number(a.get('max') ?? 1000);
        const took = this.cluster.runUntil(() => this.holds(key, op, Number(v))[0], max);
        if (took < 0)
          throw new TranscriptError(`${key} ${op} ${v} not reached in ${max} ticks (got ${this.value(key)})`);
        return;
      }
      case 'crash':
        this.cluster.crash(Number(args[0]));
        return;
      case 'restart':
        this.cluster.restart(Number(args[0]));
        return;
      case 'partition':
        this.cluster.partition = args
          .join('')
          .split('|')
          .map((g) => g.split(',').map(Number));
        return;
      case 'heal':
        this.cluster.heal();
        return;
      case 'filter': {
        const type = a.get('type');
        if (type !== undefined && TYPES[type] === undefined)
          throw new TranscriptError(`unknown type ${type}`);
        this.cluster.filters.push({
          from: a.has('from') ? Number(a.get('from')) : undefined,
          to: a.has('to') ? Number(a.get('to')) : undefined,
          type: type === undefined ? undefined : TYPES[type],
        });
        return;
      }
      case 'byzantine': {
        const node = this.cluster.nodes[Number(args[0])]!;
        node.behaviour = args[1] as typeof node.behaviour;
        return;
      }
      case 'replay': {
        const c = this.cluster;
        for (const m of c.recent.slice(-Number(args[0])))
          for (const node of c.nodes) c.deliverLater(-1, node.addr, m);
        return;
      }
      case 'inject-far':
        injectFar(this.cluster, Number(args[0]));
        return;
      case 'params': {
        const change: Partial<ConsensusParams> = {};
        const num = (k: string) => (a.has(k) ? Number(a.get(k)) : undefined);
        if (a.has('envelopes')) change.maxBlockEnvelopes = num('envelopes');
        if (a.has('period')) change.periodTicks = num('period');
        if (a.has('timeout')) change.viewTimeoutTicks = num('timeout');
        this.cluster.scheduleParams(Number(a.get('from')), change, num('decided') ?? 0);
        return;
      }
      case 'validators':
        this.cluster.scheduleValidators(
          Number(a.get('from')),
          ids(a.get('ids')) ?? [],
          Number(a.get('decided') ?? 0),
        );
        return;
      case 'expect': {
        const [key, op, v] = args as [string, string, string];
        const [ok, got] = this.holds(key, op, Number(v));
        if (!ok)
          throw new TranscriptError(`expected ${key} ${op} ${v}, got ${got} [${this.cluster.summary()}]`);
        return;
      }
      case 'print':
        this.output.push(`t=${this.cluster.time / TICK} ${this.cluster.summary()}`);
        return;
    }
    throw new TranscriptError(`unknown command ${cmd}`);
  }

  /** Runs a whole transcript; errors name the line. */
  static run(text: string, name: string): Transcript {
    const t = new Transcript();
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (line === '') return;
      try {
        t.exec(line);
      } catch (e) {
        throw new TranscriptError(`${name}:${i + 1}: ${line}\n  ${(e as Error).message}`);
      }
    });
    return t;
  }
}
