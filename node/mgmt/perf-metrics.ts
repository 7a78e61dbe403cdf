// Performance gauges for Prometheus, read from the sampler's latest sample at each scrape (the
// sampler runs once a second whether anyone scrapes or not). Per-peer series are labelled by the
// peer's validator index (or its peer ID for an observer): bounded by the allowed set.
import { Gauge, type Registry } from 'prom-client';
import type { NodeSample } from '../../api/management-types.js';

export function registerPerfMetrics(registry: Registry, latest: () => NodeSample): void {
  const registers = [registry];
  const gauge = (name: string, help: string, read: (s: NodeSample) => number): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read(latest()));
      },
    });
  };
  gauge(
    'bkdms_host_cpu_ratio',
    'Host CPU busy share over the last second, 0..1 across all cores',
    (s) => s.hostCpu,
  );
  gauge(
    'bkdms_process_cpu_cores',
    'CPU this process used over the last second, in cores',
    (s) => s.processCpu,
  );
  gauge('bkdms_process_rss_bytes', 'Resident set size of the node process', (s) => s.rssBytes);
  gauge('bkdms_process_heap_used_bytes', 'V8 heap in use', (s) => s.heapUsedBytes);
  gauge('bkdms_data_dir_bytes', 'Bytes of the files in the data folder', (s) => s.dataBytes);
  gauge(
    'bkdms_data_dir_growth_bytes_per_second',
    'Growth of the data folder over up to the last minute',
    (s) => s.dataGrowthBps,
  );
  gauge(
    'bkdms_disk_free_bytes',
    'Free bytes of the file system holding the data folder',
    (s) => s.diskFreeBytes,
  );
  const peerGauge = (name: string, help: string, read: (p: NodeSample['peers'][number]) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['peer'] as const,
      registers,
      collect() {
        this.reset();
        for (const p of latest().peers)
          this.set({ peer: p.validatorIndex >= 0 ? String(p.validatorIndex) : p.peerId }, read(p));
      },
    });
  };
  peerGauge('bkdms_peer_up', '1 when connected to the peer, 0 when not', (p) =>
    p.state === 'CONNECTED' ? 1 : 0,
  );
  peerGauge('bkdms_peer_rtt_seconds', 'Round-trip time of the last ping to the peer', (p) => p.rttMs / 1000);
  peerGauge('bkdms_peer_sent_bytes', 'Bytes sent on the current connection to the peer', (p) => p.bytesSent);
  peerGauge(
    'bkdms_peer_received_bytes',
    'Bytes received on the current connection from the peer',
    (p) => p.bytesReceived,
  );
}
