// The light-client rules: a client of another chain frozen by misbehaviour, expired (no update
// within its trusting period), or not updated for a third of its trusting period (a relayer should
// have updated it by then, the point `bkdms xchain status` calls "expiring soon"). Pure, like
// rules.ts: the time is the snapshot's, which the collector read from this node's clock; the
// contract itself judges expiry by block time only.
import type { RuleInput } from './rules.js';
import type { XchainClientSignal } from './signals.js';
import type { Condition } from './types.js';

const duration = (ms: number): string =>
  ms >= 86_400_000 ? `${(ms / 86_400_000).toFixed(1)} days` : `${(ms / 3_600_000).toFixed(1)} h`;

function judge(c: XchainClientSignal, now: number): Condition | undefined {
  const base = { subject: `client-${c.clientId}`, location: { component: 'xchain' } };
  const chain = `${c.chainId.slice(0, 16)}…`;
  if (c.frozenHeight > 0)
    return {
      ...base,
      rule: 'xchain-client-frozen',
      severity: 'critical',
      cause: `light client ${c.clientId} (chain ${chain}) is frozen at remote height ${c.frozenHeight}`,
      analysis:
        'two conflicting certified headers of the remote chain were proven: no fact of that chain is accepted until governance recovers the client',
    };
  const age = c.latestTime === undefined ? undefined : now - c.latestTime;
  if (age === undefined || age >= c.trustingPeriodMs)
    return {
      ...base,
      rule: 'xchain-client-expired',
      severity: 'major',
      cause:
        age === undefined
          ? `light client ${c.clientId} (chain ${chain}) holds no latest consensus state`
          : `light client ${c.clientId} (chain ${chain}) was last updated ${duration(age)} ago, past its trusting period of ${duration(c.trustingPeriodMs)}`,
      analysis:
        'no relayer brought a header within the trusting period: updates and facts are refused until governance recovers the client',
    };
  if (age <= c.trustingPeriodMs / 3) return undefined;
  return {
    ...base,
    rule: 'xchain-client-expiring',
    severity: 'warning',
    cause: `light client ${c.clientId} (chain ${chain}) was last updated ${duration(age)} ago (height ${c.latestHeight}); it expires in ${duration(c.trustingPeriodMs - age)}`,
    analysis:
      'relayers update a client once a third of its trusting period has passed: none did (relayer down, not listed as relayer, or the remote chain stalled)',
  };
}

export const xchainClients = ({ now }: RuleInput): Condition[] =>
  (now.xchainClients ?? []).flatMap((c) => judge(c, now.now) ?? []);
