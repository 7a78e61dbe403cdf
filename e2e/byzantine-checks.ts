// The checks of the Byzantine manifests beyond the common invariants: the honest latency bound
// (every committed envelope's block is at most `latencyBoundMs` after the envelope was made, per
// site: a censored site's envelopes included), the penalties a flooding node's traffic earns on
// every honest node (read from their /metrics: messages rejected from it, its gossip score), the
// memory bound of the honest nodes under the flood, and the replaying node left without evidence.
// The verdicts are pure functions of what was read.

/** One site's commit latencies: how many of its envelopes committed, and the longest wait (ms). */
export interface SiteLatency {
  site: number;
  committed: number;
  maxMs: number;
}

/** Per site: block time of each committed envelope minus the time it was made. */
export function siteLatencies(
  made: ReadonlyMap<string, { site: number; at: number }>,
  committedAt: ReadonlyMap<string, number>,
  sites: number,
): SiteLatency[] {
  const out = Array.from({ length: sites }, (_, site) => ({ site, committed: 0, maxMs: 0 }));
  for (const [id, t] of committedAt) {
    const m = made.get(id);
    if (m === undefined) continue;
    const s = out[m.site]!;
    s.committed++;
    s.maxMs = Math.max(s.maxMs, t - m.at);
  }
  return out;
}

/** Failures: a site whose envelopes waited longer than the bound, or a site with nothing committed. */
export function checkLatency(lat: readonly SiteLatency[], boundMs: number): string[] {
  const out: string[] = [];
  for (const s of lat) {
    if (s.committed === 0) out.push(`latency: site ${s.site} had no envelope committed`);
    else if (s.maxMs > boundMs)
      out.push(
        `latency: an envelope of site ${s.site} committed ${s.maxMs} ms after it was made (bound ${boundMs} ms)`,
      );
  }
  return out;
}

/** A series' value from a Prometheus text exposition; undefined when absent. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const labelText = rest[0] === '{' ? rest.slice(1, rest.indexOf('}')) : '';
    const ok = Object.entries(labels).every(([k, v]) => labelText.split(',').includes(`${k}="${v}"`));
    if (!ok) continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

/** What one honest node's metrics said about one peer. */
export interface PeerPenalty {
  node: number;
  peer: number;
  /** Messages of the peer its inbound gate rejected. */
  rejected: number;
  /** The lowest gossip score of the peer seen over the samples. */
  minScore: number;
}

/** Messages rejected from a flooding node, at the least, on each honest node. */
export const MIN_FLOOD_REJECTIONS = 100;

/**
 * Failures: a flooding node that some honest node did not penalize (fewer than
 * MIN_FLOOD_REJECTIONS of its messages rejected, or a gossip score never below zero), or that
 * was penalized less than an honest peer (the penalty would not single out the offender).
 */
export function checkPenalties(
  seen: readonly PeerPenalty[],
  flooding: ReadonlySet<number>,
  honest: readonly number[],
): string[] {
  const out: string[] = [];
  for (const bad of flooding)
    for (const node of honest) {
      const p = seen.find((x) => x.node === node && x.peer === bad);
      if (p === undefined) {
        out.push(`penalty: node ${node} reported nothing about flooding node ${bad}`);
        continue;
      }
      if (p.rejected < MIN_FLOOD_REJECTIONS)
        out.push(`penalty: node ${node} rejected only ${p.rejected} messages of flooding node ${bad}`);
      if (p.minScore >= 0) out.push(`penalty: node ${node} never scored flooding node ${bad} below zero`);
      const honestMax = Math.max(
        0,
        ...seen.filter((x) => x.node === node && !flooding.has(x.peer)).map((x) => x.rejected),
      );
      if (p.rejected <= honestMax)
        out.push(
          `penalty: node ${node} rejected as many messages of an honest peer (${honestMax}) as of flooding node ${bad}`,
        );
    }
  return out;
}

/** Failures: an honest node whose resident set is over the bound (or unknown). */
export function checkMemory(
  rss: readonly { node: number; bytes: number | undefined }[],
  boundMb: number,
): string[] {
  return rss.flatMap((r) =>
    r.bytes === undefined
      ? [`memory: node ${r.node} reported no resident set size`]
      : r.bytes > boundMb * 1024 * 1024
        ? [`memory: node ${r.node} holds ${Math.round(r.bytes / 1024 / 1024)} MiB (bound ${boundMb} MiB)`]
        : [],
  );
}

/** A node's /metrics text, or '' when it cannot be read. */
export async function scrapeMetrics(mgmtPort: number, timeoutMs = 10_000): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${mgmtPort}/metrics`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}

/**
 * Samples every honest node's view of every peer `samples` times, `gapMs` apart: the rejected
 * count of the last sample and the lowest gossip score of all (a graylisted peer's score decays
 * back while its messages are ignored, so one sample could miss the penalty).
 */
export async function samplePenalties(
  nodes: readonly { node: number; mgmtPort: number }[],
  peers: number,
  samples: number,
  gapMs: number,
  pause: (ms: number) => Promise<void>,
): Promise<PeerPenalty[]> {
  const out = new Map<string, PeerPenalty>();
  for (let k = 0; k < samples; k++) {
    if (k > 0) await pause(gapMs);
    const texts = await Promise.all(nodes.map((x) => scrapeMetrics(x.mgmtPort)));
    nodes.forEach((x, i) => {
      for (let peer = 0; peer < peers; peer++) {
        if (peer === x.node) continue;
        const labels = { peer: String(peer) };
        const rejected = metricValue(texts[i]!, 'bkdms_peer_rejected_messages', labels);
        const score = metricValue(texts[i]!, 'bkdms_peer_gossip_score', labels);
        if (rejected === undefined && score === undefined) continue;
        const key = `${x.node}/${peer}`;
        const prev = out.get(key) ?? { node: x.node, peer, rejected: 0, minScore: Infinity };
        out.set(key, {
          ...prev,
          rejected: Math.max(prev.rejected, rejected ?? 0),
          minScore: Math.min(prev.minScore, score ?? Infinity),
        });
      }
    });
  }
  return [...out.values()];
}
