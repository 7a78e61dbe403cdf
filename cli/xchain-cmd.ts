// `bkdms xchain status|clients|show`: the cross-chain light clients this chain holds (contract
// state, so every read is proven when --genesis is given; cli/state-read.ts). Status is judged at
// the proving header's block time when verified, else at this machine's clock (and says so).
import type { Command } from 'commander';
import { parseJson } from '../api/state-values.js';
import type { ClientRecord, ConsensusRecord, MisbehaviourRecord } from '../ledger/xchain/records.js';
import { XK } from '../ledger/xchain/records.js';
import { addReadFlags, type ReadFlags, type StateReader, say, trustLine, withReader } from './state-read.js';
import { registerImportFactCommand } from './xchain-import-cmd.js';
import { type ClientView, clientView, formatClientLine, statusSummary } from './xchain-view.js';

async function views(
  r: StateReader,
): Promise<{ views: ClientView[]; at: number; trust: string; height: number }> {
  const read = await r.read(XK.clientPrefix);
  const at = read.time ?? Date.now();
  const out: ClientView[] = [];
  for (const e of read.entries) {
    const c = parseJson<ClientRecord>(e.value);
    const { value: latest } = await r.value<ConsensusRecord>(XK.consensus(c.clientId, c.latestHeight));
    out.push(clientView(c, latest, at));
  }
  return { views: out, at, trust: trustLine(read), height: read.height };
}

function clientId(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new Error(`client ID must be 0..65535, got ${s}`);
  return n;
}

export function registerXchainCommands(program: Command): void {
  const x = program
    .command('xchain')
    .description('cross-chain light clients of other bkdms chains held by this chain (docs/cross-chain.md)');

  addReadFlags(x.command('status'))
    .description('how many light clients are Active, Frozen or Expired, and which expire soon')
    .action(async (o: ReadFlags) =>
      withReader(o, async (r) => {
        const v = await views(r);
        const s = statusSummary(v.views);
        if (o.json)
          return say(JSON.stringify({ ...s, verified: r.verified, stateAfterHeight: v.height }, null, 2));
        say(v.trust);
        say(`${s.clients} clients: ${s.active} active, ${s.frozen} frozen, ${s.expired} expired`);
        if (s.expiringSoon.length > 0)
          say(`past a third of their trusting period: ${s.expiringSoon.join(', ')}`);
      }),
    );

  addReadFlags(x.command('clients'))
    .description('every light client: remote chain, status, latest height, time to expiry')
    .action(async (o: ReadFlags) =>
      withReader(o, async (r) => {
        const v = await views(r);
        if (o.json)
          return say(
            JSON.stringify({ verified: r.verified, stateAfterHeight: v.height, clients: v.views }, null, 2),
          );
        say(v.trust);
        if (v.views.length === 0) say('no light clients');
        for (const c of v.views) say(formatClientLine(c));
      }),
    );

  addReadFlags(x.command('show'))
    .description(
      'one light client: parameters, validator schedule, latest consensus state, misbehaviour evidence',
    )
    .argument('<clientId>', 'the client ID (0..65535)')
    .action(async (id: string, o: ReadFlags) =>
      withReader(o, async (r) => {
        const n = clientId(id);
        const { value: c, read } = await r.value<ClientRecord>(XK.client(n));
        if (c === undefined) throw new Error(`no light client ${n} (${trustLine(read)})`);
        const { value: latest } = await r.value<ConsensusRecord>(XK.consensus(n, c.latestHeight));
        const { value: evidence } = await r.value<MisbehaviourRecord>(XK.misbehaviour(n));
        const view = clientView(c, latest, read.time ?? Date.now());
        const out = {
          verified: r.verified,
          stateAfterHeight: read.height,
          client: view,
          latest: latest ?? null,
          evidence: evidence ?? null,
        };
        if (o.json) return say(JSON.stringify(out, null, 2));
        say(trustLine(read));
        say(formatClientLine(view));
        if (latest !== undefined)
          say(`latest: height ${latest.height}, block ${latest.blockHash}, state root ${latest.stateRoot}`);
        say(
          `validator schedule proven up to remote height ${c.provenAt}: ${view.validatorSchedule.map((s) => `${s.validators} from ${s.activateAt}`).join(', ')}`,
        );
        if (evidence)
          say(
            `misbehaviour at remote height ${evidence.height}, proven by call ${evidence.proofTracingCode} at local height ${evidence.localHeight}`,
          );
      }),
    );
  registerImportFactCommand(x);
}
