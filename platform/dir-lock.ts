// One process at a time on an embedded (PGlite) platform database: PGlite runs PostgreSQL inside
// this process and does not guard its folder against a second process, which would corrupt it. A
// lock file holds the owner's PID; one left by a process that no longer runs (killed) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { PlatformError, PlatformErrorCode } from './errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock at `path`; resolves with its release. Throws STORE when a live process holds it. */
export function lockDir(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = ownerOf(path);
      if (pid !== undefined && alive(pid))
        throw new PlatformError(
          PlatformErrorCode.Store,
          `the platform database is in use by process ${pid} (bkdms platform run?): the embedded ` +
            'database serves one process; stop it, or read through it, or use a PostgreSQL server ' +
            '(store.url) (docs/platform.md)',
          { pid },
        );
      unlinkSync(path); // left by a process that no longer runs
      continue;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return () => {
      if (ownerOf(path) === process.pid) unlinkSync(path);
    };
  }
  throw new PlatformError(PlatformErrorCode.Store, `cannot take the platform database lock ${path}`);
}
