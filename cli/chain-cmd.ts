// `bkdms chain …`: ledger management (M.rmbs). `info` is the chain at a glance; `members` is who
// entered and left the validator set, the administrators and the site registry, by height. Contract
// state is read through GetState, proven when --genesis is given (cli/state-read.ts).
import type { Command } from 'commander';
import { parseJson, scheduledAt, scheduleOf } from '../api/state-values.js';
import { decodeCertifiedBlock } from '../codec/certificate.js';
import { toHex } from '../crypto/bytes.js';
import { keyIdOf } from '../crypto/key-id.js';
import type { HistoryRecord } from '../ledger/gov-history.js';
import { type AdminsRecord, K, type ParamsJson } from '../ledger/records.js';
import { type MemberEvent, membership } from './members.js';
import { addReadFlags, type ReadFlags, type StateReader, say, trustLine, withReader } from './state-read.js';

async function readMembership(r: StateReader) {
  const vRead = await r.read(K.validators);
  const validators = scheduleOf<string[]>(vRead.entries);
  const hist = await r.read(K.historyPrefix);
  const history = hist.entries.map((e) => ({ key: e.key, record: parseJson<HistoryRecord>(e.value) }));
  return { read: vRead, validators, m: membership(validators, history, r.genesis) };
}

function formatEvents(events: readonly MemberEvent[]): string {
  return events
    .map(
      (e) =>
        `${String(e.height).padStart(8)}  ${e.kind.padEnd(9)} ${e.op.padEnd(7)} ${e.id}${e.to ? ` -> ${e.to}` : ''}  (${e.source})`,
    )
    .join('\n');
}

export function registerChainCommands(program: Command): void {
  const chain = program
    .command('chain')
    .description('ledger management: chain information and membership history');
  addReadFlags(chain.command('info'))
    .description('chain ID, genesis hash, height, validators, admins, parameters and sites count')
    .action((o: ReadFlags) =>
      withReader(o, async (r) => {
        const status = await r.client.getStatus();
        // The genesis hash is what block 1 names as its parent: the chain ID. A node that holds no
        // block 1 (pruned, or joined by state sync) is not asked for it.
        const genesisHash =
          status.height >= 1 && status.earliestHeight <= 1
            ? toHex(decodeCertifiedBlock(await r.client.getBlock(1)).block.header.parentHash)
            : status.height >= 1
              ? toHex(status.chainId)
              : null;
        const { read, validators, m } = await readMembership(r);
        const { value: admins } = await r.value<AdminsRecord>(K.admins);
        const params = scheduleOf<ParamsJson>((await r.read(K.params)).entries);
        const out = {
          verified: read.verified,
          stateHeight: read.height,
          chainId: toHex(status.chainId),
          genesisHash,
          height: status.height,
          validators: scheduledAt(validators, read.height + 1) ?? [],
          validatorSchedule: validators,
          admins: {
            publicKeys: admins?.admins ?? [],
            keyIds: (admins?.admins ?? []).map((k) => toHex(keyIdOf(Buffer.from(k, 'hex')))),
            threshold: admins?.threshold ?? null,
          },
          params: scheduledAt(params, read.height + 1) ?? null,
          paramSchedule: params,
          sitesCount: m.sitesCount,
        };
        if (o.json) say(JSON.stringify(out, null, 2));
        else
          say(
            [
              trustLine(read),
              `chain ID      ${out.chainId}`,
              `genesis hash  ${out.genesisHash ?? '(no block yet)'}`,
              `height        ${out.height}`,
              `validators    ${out.validators.length}: ${out.validators.join(', ')}`,
              `admins        ${out.admins.threshold} of ${out.admins.keyIds.length}: ${out.admins.keyIds.join(', ')}`,
              `parameters    ${JSON.stringify(out.params)}`,
              `sites         ${out.sitesCount ?? 'unknown (give --genesis; exact while the governance history is complete)'}`,
            ].join('\n'),
          );
      }),
    );
  addReadFlags(chain.command('members'))
    .description('entries and withdrawals of validators, admins and sites, by height')
    .action((o: ReadFlags) =>
      withReader(o, async (r) => {
        const { read, m } = await readMembership(r);
        if (o.json) say(JSON.stringify({ verified: read.verified, height: read.height, ...m }, null, 2));
        else
          say(
            `${trustLine(read)}\n${formatEvents(m.events)}` +
              (m.historyComplete
                ? ''
                : '\n(the governance history dropped older entries: earlier admin and site changes are not shown)') +
              (r.genesis === undefined ? '\n(genesis admins and sites are shown with --genesis)' : ''),
          );
      }),
    );
}
