// GetNodeInfo's answer (configuration management): who the node is, what software and hardware it
// runs on, its effective configuration (secrets redacted, with the SHA-256 of its canonical JSON
// so operators can compare nodes at a glance), and how far its chain is.
import { readFileSync, statfsSync } from 'node:fs';
import { arch, cpus, freemem, hostname, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { ConfigInfo, HardwareInfo, NodeInfo, SoftwareInfo } from '../../api/management-types.js';
import { toHex } from '../../crypto/bytes.js';
import { sha256 } from '../../crypto/hash.js';
import { canonicalJson, type Json } from '../../ledger/state.js';
import { redact } from '../../runtime/log.js';
import type { NodeConfig } from '../config.js';
import { buildInfo, packageRoot } from './build-info.js';

/** The version in a dependency's package.json, looked up from the package folder upward. */
export function dependencyVersion(name: string, from: string = packageRoot()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as {
        version?: string;
      };
      return pkg.version ?? 'unknown';
    } catch {
      if (dirname(dir) === dir) return 'unknown';
    }
  }
}

let software: SoftwareInfo | undefined;

export function softwareInfo(): SoftwareInfo {
  if (software !== undefined) return software;
  const b = buildInfo();
  software = {
    version: b.version,
    commit: b.commit,
    node: b.node,
    libp2p: dependencyVersion('libp2p'),
    grpcJs: dependencyVersion('@grpc/grpc-js'),
    classicLevel: dependencyVersion('classic-level'),
  };
  return software;
}

/** Total and free bytes of the file system holding `path`; zeros when it cannot be read. */
export function diskOf(path: string): { total: number; free: number } {
  try {
    const s = statfsSync(path);
    return { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
  } catch {
    return { total: 0, free: 0 };
  }
}

export function hardwareInfo(dataDir: string): HardwareInfo {
  const cpu = cpus();
  const disk = diskOf(dataDir);
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cpuCores: cpu.length,
    memoryTotalBytes: totalmem(),
    memoryFreeBytes: freemem(),
    diskTotalBytes: disk.total,
    diskFreeBytes: disk.free,
    os: `${platform()} ${release()}`,
    arch: arch(),
    hostname: hostname(),
  };
}

/**
 * The effective config as canonical JSON (sorted keys, no undefined fields) with every field whose
 * name says secret, key, passphrase, password, seed or private replaced by "[redacted]" (the same
 * rule as the logs), and the hex SHA-256 of that text.
 */
export function configInfo(config: NodeConfig): ConfigInfo {
  const plain = JSON.parse(JSON.stringify(redact(config))) as Json;
  const json = canonicalJson(plain);
  return { json, sha256: toHex(sha256(new TextEncoder().encode(json))) };
}

export interface NodeInfoSources {
  config: NodeConfig;
  identity: () => NodeInfo['identity'];
  sync: () => NodeInfo['sync'];
}

export function nodeInfo(s: NodeInfoSources, now = Date.now()): NodeInfo {
  return {
    identity: s.identity(),
    software: softwareInfo(),
    hardware: hardwareInfo(s.config.dataDir),
    config: configInfo(s.config),
    sync: s.sync(),
    time: now,
  };
}
