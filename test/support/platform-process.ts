// `bkdms platform run` as a child process for integration tests, fed by a test cluster: its config
// written into a folder of its own (the SCP keystore the cluster's genesis registered, the query API
// on a free loopback port), followed through its progress lines ("platform: height N, …").
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePorts } from '../../devnet/ports.js';
import { cliEntry } from '../../devnet/processes.js';

export interface PlatformProcessOptions {
  dir: string;
  genesis: string;
  rpc: string[];
  /** The platform's X25519 keystore and its passphrase file. */
  scpKeystore: string;
  passphraseFile: string;
}

export class PlatformProcess {
  height = -1;
  readonly apiUrl: string;
  private readonly waiters = new Set<() => void>();
  private readonly exited: Promise<string>;

  private constructor(
    private readonly child: ChildProcess,
    apiPort: number,
    logPath: string,
  ) {
    this.apiUrl = `http://127.0.0.1:${apiPort}`;
    child.stderr?.pipe(createWriteStream(logPath, { flags: 'a' }));
    this.exited = new Promise((r) => child.on('exit', (code, signal) => r(String(signal ?? code))));
    if (child.stdout)
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = /^platform: height (\d+),/.exec(line);
        if (!m) return;
        this.height = Number(m[1]);
        for (const w of this.waiters) w();
      });
  }

  static async start(o: PlatformProcessOptions): Promise<PlatformProcess> {
    const [apiPort] = await freePorts(1);
    const config = join(o.dir, 'platform.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataDir: join(o.dir, 'platform'),
        genesis: o.genesis,
        chain: { endpoints: o.rpc, insecure: true, deadlineMs: 5_000 },
        encryptionKeys: [{ path: o.scpKeystore, passphraseFile: o.passphraseFile }],
        api: { listen: `127.0.0.1:${apiPort}` },
        progressMs: 25,
      }),
    );
    const child = spawn(process.execPath, [cliEntry, 'platform', 'run', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const p = new PlatformProcess(child, apiPort!, join(o.dir, 'platform.log'));
    await p.reach(0);
    return p;
  }

  /** Resolves once the platform reports it has stored `height`; rejects if it exits first. */
  reach(height: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.height < height) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      void this.exited.then((how) => {
        this.waiters.delete(check);
        reject(new Error(`platform exited (${how}) at height ${this.height}, before ${height}`));
      });
      check();
    });
  }

  async stop(): Promise<string> {
    this.child.kill('SIGTERM');
    return this.exited;
  }
}
