// Registering another chain's light client from the Governance page: the action built from the
// page's JSON (the genesis file's JSON and a node's address) equals what `bkdms gov propose
// register-counterparty` builds from the same genesis as a file and the same node, over the node's
// real gRPC server; a header the genesis set does not certify is refused (a genesis of another
// chain, a forged certificate); each bad field is refused by name before the other chain is asked.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BkdmsClient } from '../../../api/client.js';
import type { CounterpartyRemote } from '../../../api/counterparty-action.js';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import type { NodeApi } from '../../../api/handlers.js';
import { type ApiServer, startApiServer } from '../../../api/server.js';
import { type CertifiedHeaderBytes, type NodeStatus, SyncState } from '../../../api/types.js';
import { registerXchainActionCommands } from '../../../cli/xchain-actions.js';
import { encodeBlockHeader } from '../../../codec/block.js';
import { encodeCommitCertificate } from '../../../codec/certificate.js';
import type { GovernanceAction } from '../../../codec/types.js';
import { ConsoleActions } from '../../../console/actions.js';
import { ConsoleError, ConsoleErrorCode } from '../../../console/errors.js';
import { type ConnectRemote, formProposal } from '../../../console/propose-counterparty.js';
import { ProvenReads } from '../../../console/proven-reads.js';
import { toHex } from '../../../crypto/bytes.js';
import { certifiedBlock, keyPair, testChain } from '../store/fixtures.js';

const k = (i: number): string => toHex(keyPair(i).publicKey);
const chain = testChain({ validators: 4 });
const TIP = 3;
const blocks = Array.from({ length: TIP }, (_, i) => certifiedBlock(chain, i + 1, []));
const headerAt = (h: number): CertifiedHeaderBytes => {
  const b = blocks[h - 1]!.decoded;
  return {
    height: h,
    header: encodeBlockHeader(b.block.header),
    certificate: encodeCommitCertificate(b.certificate),
  };
};

/** A node of the other chain: its tip and its certified headers, nothing else. */
function remoteOf(header: (h: number) => CertifiedHeaderBytes = headerAt) {
  const asked: string[] = [];
  const remote: CounterpartyRemote & { close(): void } = {
    async getStatus() {
      asked.push('GetStatus');
      return { height: TIP };
    },
    async getHeaders(q) {
      asked.push('GetHeaders');
      return { headers: [header(q.fromHeight)], nextHeight: 0, tip: TIP };
    },
    close() {},
  };
  return { asked, connect: (() => remote) as ConnectRemote };
}

let server: ApiServer;
let rpc: string;
let dir: string;
let genesisFile: string;
const clients: BkdmsClient[] = [];
const connect: ConnectRemote = (address) => {
  const c = new BkdmsClient({ address, tls: { insecure: true }, deadlineMs: 10_000 });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  const ledger = {
    async getStatus(): Promise<NodeStatus> {
      return {
        chainId: chain.genesis.chainId,
        height: TIP,
        view: 0,
        primary: 0,
        validators: chain.validators.map((v) => v.publicKey),
        peers: [],
        syncState: SyncState.Synced,
        lastBlockHash: blocks[TIP - 1]!.hash,
        mempoolEnvelopes: 0,
        mempoolBytes: 0,
        selfIndex: 0,
        earliestHeight: 1,
      };
    },
    async getHeaders(q: { fromHeight: number }) {
      return { headers: [headerAt(q.fromHeight)], nextHeight: 0, tip: TIP };
    },
  };
  const api = new Proxy(ledger, {
    get: (t, name) =>
      name in t
        ? t[name as keyof typeof t]
        : () => {
            throw new ApiError(ApiErrorCode.NotReady, 'not served here');
          },
  }) as unknown as NodeApi;
  server = await startApiServer(api, { listen: '127.0.0.1:0', tls: { insecure: true } });
  rpc = `127.0.0.1:${server.port}`;
  dir = mkdtempSync(join(tmpdir(), 'bkdms-counterparty-'));
  genesisFile = join(dir, 'genesis.json');
  writeFileSync(genesisFile, JSON.stringify(chain.genesisJson));
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.stop(200);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The action `bkdms gov propose register-counterparty …argv` builds (nothing is submitted). */
async function cli(argv: string[]): Promise<GovernanceAction> {
  let built: GovernanceAction | undefined;
  const parent = new Command('propose').exitOverride();
  registerXchainActionCommands(
    parent,
    (c) => c.exitOverride(),
    async (a) => {
      built = a;
    },
  );
  const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await parent.parseAsync(['register-counterparty', ...argv], { from: 'user' });
  } finally {
    quiet.mockRestore();
  }
  if (built === undefined) throw new Error('the CLI built nothing');
  return built;
}

const page = (o: Record<string, unknown> = {}) => ({
  type: 'registerCounterparty',
  clientId: 7,
  genesis: chain.genesisJson,
  remoteRpc: rpc,
  relayers: [k(1), k(2)],
  ...o,
});

describe('a counterparty registered from the page equals the CLI’s', () => {
  it('at a given height, with the genesis as JSON or as text', async () => {
    const fromCli = await cli([
      '--client',
      '7',
      '--remote-rpc',
      rpc,
      '--remote-genesis',
      genesisFile,
      '--height',
      '2',
      '--trusting-period-hours',
      '24.5',
      '--max-clock-drift-ms',
      '5000',
      '--relayer',
      k(1),
      k(2),
    ]);
    const fields = { height: 2, trustingPeriodHours: 24.5, maxClockDriftMs: 5000 };
    const r = await formProposal(page(fields), connect);
    expect(r.action).toEqual(fromCli);
    expect(r.trusted).toEqual({
      chainId: toHex(chain.genesis.chainId),
      height: 2,
      blockHash: toHex(blocks[1]!.hash),
    });
    const asText = await formProposal(
      page({ ...fields, genesis: JSON.stringify(chain.genesisJson) }),
      connect,
    );
    expect(asText.action).toEqual(fromCli);
    if (fromCli.type !== 'registerCounterparty') throw new Error(fromCli.type);
    expect(fromCli.trustingPeriodMs).toBe(24.5 * 3_600_000);
    expect(fromCli.validators).toEqual(chain.validators.map((v) => v.publicKey));
  });

  it('at the remote tip, with the CLI’s defaults', async () => {
    const fromCli = await cli([
      '--client',
      '7',
      '--remote-rpc',
      rpc,
      '--remote-genesis',
      genesisFile,
      '--relayer',
      k(1),
      k(2),
    ]);
    const r = await formProposal(page(), connect);
    expect(r.action).toEqual(fromCli);
    expect(r.trusted?.height).toBe(TIP);
    if (fromCli.type !== 'registerCounterparty') throw new Error(fromCli.type);
    expect([fromCli.trustingPeriodMs, fromCli.maxClockDriftMs]).toEqual([336 * 3_600_000, 10_000]);
  });
});

async function refusal(p: Promise<unknown>): Promise<ConsoleError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConsoleError);
  return err as ConsoleError;
}

describe('the page’s registration refuses', () => {
  const another = testChain({ validators: 4, threshold: 3 });
  const cases: [string, Record<string, unknown>, string][] = [
    ['a client ID above 65535', { clientId: 70_000 }, 'clientId'],
    ['a genesis that is not JSON', { genesis: '{"chainName":' }, 'genesis'],
    ['a genesis that is not a genesis', { genesis: { ...chain.genesisJson, validators: [] } }, 'genesis'],
    ['an address without a port', { remoteRpc: 'node.example' }, 'remoteRpc'],
    ['port 0', { remoteRpc: '127.0.0.1:0' }, 'remoteRpc'],
    ['no relayer', { relayers: [] }, 'relayers'],
    ['a bad relayer key', { relayers: [k(1), 'zz'] }, 'relayers[1]'],
    ['a trusting period of zero', { trustingPeriodHours: 0 }, 'trustingPeriodHours'],
    ['a negative clock drift', { maxClockDriftMs: -1 }, 'maxClockDriftMs'],
    ['height 0', { height: 0 }, 'height'],
    ['an unknown field', { extra: 1 }, 'extra'],
    ['a missing address', { remoteRpc: undefined }, 'remoteRpc'],
  ];
  it.each(cases)('%s, by name, before asking the other chain', async (_what, o, field) => {
    const { asked, connect } = remoteOf();
    const err = await refusal(formProposal(page(o), connect));
    expect(err.code).toBe(ConsoleErrorCode.BadRequest);
    expect(err.meta.field).toBe(field);
    expect(err.message).toContain(field);
    expect(err.message).not.toContain('BAD_CONFIG');
    expect(asked).toEqual([]);
  });

  it('a height above the remote tip', async () => {
    const err = await refusal(formProposal(page({ height: TIP + 1 }), remoteOf().connect));
    expect([err.code, err.meta.field]).toEqual([ConsoleErrorCode.BadRequest, 'height']);
  });

  it('a header the genesis set does not certify: another chain’s genesis, a forged certificate', async () => {
    const wrong = await refusal(formProposal(page({ genesis: another.genesisJson }), remoteOf().connect));
    expect([wrong.code, wrong.meta.field]).toEqual([ConsoleErrorCode.Unproven, 'genesis']);
    expect(wrong.message).toContain('WRONG_CHAIN');
    const forged = remoteOf((h) => {
      const x = headerAt(h);
      const certificate = Uint8Array.from(x.certificate);
      certificate[certificate.length - 1]! ^= 1;
      return { ...x, certificate };
    });
    const lie = await refusal(formProposal(page(), forged.connect));
    expect([lie.code, lie.meta.field]).toEqual([ConsoleErrorCode.Unproven, 'genesis']);
    expect(forged.asked).toEqual(['GetStatus', 'GetHeaders']);
  });

  it('a remote that does not answer, naming it', async () => {
    const down: ConnectRemote = () => ({
      getStatus: () => Promise.reject(new ApiError(ApiErrorCode.Transport, 'connection refused')),
      getHeaders: () => Promise.reject(new Error('not reached')),
      close() {},
    });
    const err = await refusal(formProposal(page({ remoteRpc: '10.9.9.9:7001' }), down));
    expect([err.code, err.meta.field]).toEqual([ConsoleErrorCode.Unavailable, 'remoteRpc']);
    expect(err.message).toContain('10.9.9.9:7001');
  });

  it('through the console’s actions: checked and verified before anything is submitted', async () => {
    const reads = new ProvenReads(() => [], undefined);
    const actions = new ConsoleActions([], keyPair(50), reads, {}, undefined, remoteOf().connect);
    const bad = await refusal(actions.propose(page({ clientId: -1 })));
    expect(bad.meta.field).toBe('clientId');
    // A good registration reaches the submission, which finds no node.
    const good = await refusal(actions.propose(page()));
    expect([good.code, good.detail]).toEqual([ConsoleErrorCode.Unavailable, 'no node is up to submit to']);
  });
});
