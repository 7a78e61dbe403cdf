// What this build is: the package version, the git commit it was built from, and the Node.js
// running it. Read once from the package folder (package.json and .git), never from a child
// process, so it works in any install and costs nothing after the first call.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  /** 40 hex digits, or 'unknown' when the package is not a git checkout. */
  commit: string;
  node: string;
}

let cached: BuildInfo | undefined;

/** The folder holding package.json: the source root, or the build folder's parent. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'bkdms') return dir;
    } catch {
      // not here: look one folder up
    }
    dir = dirname(dir);
  }
  return dir;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** HEAD's commit from .git without running git: a detached HEAD, a loose ref or packed-refs. */
export function gitCommit(root: string): string {
  const gitDir = join(root, '.git');
  const head = readText(join(gitDir, 'HEAD'));
  if (head === undefined) return 'unknown';
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = /^ref: (.+)$/.exec(head)?.[1];
  if (ref === undefined) return 'unknown';
  const loose = readText(join(gitDir, ref));
  if (loose !== undefined && /^[0-9a-f]{40}$/.test(loose)) return loose;
  for (const line of (readText(join(gitDir, 'packed-refs')) ?? '').split('\n')) {
    const [sha, name] = line.split(' ');
    if (name === ref && sha !== undefined && /^[0-9a-f]{40}$/.test(sha)) return sha;
  }
  return 'unknown';
}

export function buildInfo(): BuildInfo {
  if (cached !== undefined) return cached;
  const root = packageRoot();
  const pkg = JSON.parse(readText(join(root, 'package.json')) ?? '{}') as { version?: string };
  cached = { version: pkg.version ?? 'unknown', commit: gitCommit(root), node: process.version };
  return cached;
}

/** One line for `bkdms --version`. */
export function versionLine(info: BuildInfo = buildInfo()): string {
  return `bkdms ${info.version} (commit ${info.commit === 'unknown' ? 'unknown' : info.commit.slice(0, 12)}, node ${info.node})`;
}
