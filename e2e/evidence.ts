// The equivocation evidence nodes recorded, read from their logs (the consensus stream's
// `consensus.evidence` lines, written when the evidence is stored): after a run, every piece must
// name a Byzantine node (an honest node, even one that crashed mid-write of its votes, never signs
// two messages for one slot), a Byzantine node that equivocates or double-votes must be named
// by at least one honest node, and one that only replays, censors or floods must be named by none.
import { readFileSync } from 'node:fs';
import type { ByzantineMode } from '../testkit/byzantine.js';

export interface EvidenceSeen {
  /** The node whose log holds it. */
  node: number;
  kind: number | string;
  /** The offender's public key (hex). */
  offender: string;
}

/** The evidence lines of one node's log (every restart appends to the same file). */
export function evidenceInLog(node: number, logPath: string): EvidenceSeen[] {
  let text: string;
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return [];
  }
  const out: EvidenceSeen[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('consensus.evidence')) continue;
    try {
      const ev = JSON.parse(line) as { event?: string; kind?: number | string; offender?: string };
      if (ev.event === 'consensus.evidence' && typeof ev.offender === 'string')
        out.push({ node, kind: ev.kind ?? '?', offender: ev.offender });
    } catch {
      // A line that only mentions the name.
    }
  }
  return out;
}

/** Modes whose every use leaves provable evidence (two signed messages for one slot). */
const PROVABLE: readonly ByzantineMode[] = ['equivocate', 'double-vote'];

/**
 * Modes that never sign two messages for one slot: a replayed message is the same one again, a
 * censoring primary proposes one block per slot, a flood is unsigned garbage. Evidence against a
 * node in these modes only would be a false accusation (or a replay counted twice).
 */
const NEVER_CONFLICTING: readonly ByzantineMode[] = ['replay', 'censor-site', 'flood'];

/**
 * Failures: evidence against a node not Byzantine; a Byzantine node in a provable mode that no
 * honest node recorded. `keys[i]` is node i's public key (hex); `byzantine` maps a node to its modes.
 */
export function checkEvidence(
  seen: readonly EvidenceSeen[],
  keys: readonly string[],
  byzantine: ReadonlyMap<number, readonly ByzantineMode[]>,
): string[] {
  const out: string[] = [];
  const byKey = new Map(keys.map((k, i) => [k.toLowerCase(), i]));
  for (const e of seen) {
    const offender = byKey.get(e.offender.toLowerCase()) ?? -1;
    if (!byzantine.has(offender))
      out.push(
        `node ${e.node} recorded evidence (kind ${e.kind}) against node ${offender}, which is not Byzantine`,
      );
  }
  for (const [node, modes] of byzantine) {
    if (modes.every((m) => NEVER_CONFLICTING.includes(m))) {
      const against = seen.filter((e) => byKey.get(e.offender.toLowerCase()) === node);
      if (against.length > 0)
        out.push(
          `node ${against[0]!.node} recorded evidence (kind ${against[0]!.kind}) against Byzantine node ${node}, whose modes (${modes.join(', ')}) never sign two messages for one slot`,
        );
      continue;
    }
    if (!modes.some((m) => PROVABLE.includes(m))) continue;
    const named = seen.some((e) => !byzantine.has(e.node) && byKey.get(e.offender.toLowerCase()) === node);
    if (!named)
      out.push(`no honest node recorded evidence against Byzantine node ${node} (${modes.join(', ')})`);
  }
  return out;
}
