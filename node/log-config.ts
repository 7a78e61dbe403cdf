// A node config's `logs` section as the log files' options (runtime/log-files.ts).
import type { LogFilesOptions } from '../runtime/log.js';
import type { NodeConfig } from './config.js';

export function logFilesOf(c: NonNullable<NodeConfig['logs']>): LogFilesOptions {
  return {
    dir: c.dir,
    maxSizeBytes: Math.round(c.maxSizeMb * 1024 * 1024),
    maxFiles: c.maxFiles,
    maxDays: c.maxDays,
  };
}
