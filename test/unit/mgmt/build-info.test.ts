// The build's identity: the --version line, the bkdms_build_info metric, and HEAD read from .git.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildInfo, gitCommit, versionLine } from '../../../node/mgmt/build-info.js';
import { createNodeMetrics } from '../../../node/mgmt/metrics.js';

const SHA = 'a'.repeat(40);
const dirs: string[] = [];

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'bkdms-git-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, '.git', path, '..'), { recursive: true });
    writeFileSync(join(root, '.git', path), text);
  }
  return root;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('build info', () => {
  it('reads the version from package.json and the running Node.js', () => {
    const info = buildInfo();
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.node).toBe(process.version);
    expect(info.commit).toMatch(/^([0-9a-f]{40}|unknown)$/);
  });

  it('follows HEAD to a loose ref, to packed-refs, or takes a detached HEAD', () => {
    expect(gitCommit(repo({ HEAD: 'ref: refs/heads/main\n', 'refs/heads/main': `${SHA}\n` }))).toBe(SHA);
    const packed = `# pack-refs\n${'b'.repeat(40)} refs/heads/other\n${SHA} refs/heads/main\n`;
    expect(gitCommit(repo({ HEAD: 'ref: refs/heads/main\n', 'packed-refs': packed }))).toBe(SHA);
    expect(gitCommit(repo({ HEAD: `${SHA}\n` }))).toBe(SHA);
  });

  it('says unknown outside a git checkout or for a ref it cannot find', () => {
    expect(gitCommit(mkdtempSync(join(tmpdir(), 'bkdms-nogit-')))).toBe('unknown');
    expect(gitCommit(repo({ HEAD: 'ref: refs/heads/gone\n' }))).toBe('unknown');
  });

  it('prints one version line with a short commit', () => {
    expect(versionLine({ version: '1.2.3', commit: SHA, node: 'v20.0.0' })).toBe(
      `bkdms 1.2.3 (commit ${SHA.slice(0, 12)}, node v20.0.0)`,
    );
    expect(versionLine({ version: '1.2.3', commit: 'unknown', node: 'v20.0.0' })).toContain('commit unknown');
  });

  it('exports bkdms_build_info with the build labels', async () => {
    const m = createNodeMetrics({ processMetrics: false });
    const text = await m.registry.metrics();
    const info = buildInfo();
    expect(text).toContain(
      `bkdms_build_info{version="${info.version}",commit="${info.commit}",node="${info.node}"} 1`,
    );
  });
});
