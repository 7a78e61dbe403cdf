// Governance: SCP administrators approve actions M-of-N. A proposal (ID = tracing code of the
// propose envelope) collects approvals from current admins until it reaches the threshold, then
// executes once; past its expiry it can no longer be approved. Actions that change chain
// parameters or the validator set take effect at a future height.
import type { ContractCall, GovernanceAction, XchainCall } from '../codec/types.js';
import { keyIdOf } from '../crypto/key-id.js';
import { actionFromJson, actionToJson } from './action-json.js';
import { storedParams } from './envelope-bounds.js';
import { before, changesOf, close, sweepExpired } from './gov-history.js';
import { Reason } from './reasons.js';
import { type AdminsRecord, hex, K, type ParamsJson, type ProposalRecord, unhex } from './records.js';
import { applySiteAction } from './registry.js';
import { PARAMS_KEY, schedule, VALIDATORS_KEY, valueAt } from './schedule.js';
import { addScpKey, retireScpKey } from './scp-keys.js';
import type { ContractState } from './state.js';
import { validateAction } from './validate-action.js';
import { recoverClient, registerCounterparty } from './xchain/client.js';

export interface CallContext {
  state: ContractState;
  height: number;
  /** Block time (UTC ms): proposal expiry is judged against it. */
  time: number;
  signerKeyIdHex: string;
  /** Tracing code of the envelope carrying the call (hex): a proposal's ID. */
  tracingCodeHex: string;
}

/** Key IDs (hex) of the current admins, and the threshold. */
export function currentAdmins(state: ContractState): { ids: Set<string>; threshold: number } {
  const r = state.get<AdminsRecord>(K.admins);
  if (r === undefined) return { ids: new Set(), threshold: Number.POSITIVE_INFINITY };
  return { ids: new Set(r.admins.map((a) => hex(keyIdOf(unhex(a))))), threshold: r.threshold };
}

function execute(ctx: CallContext, a: GovernanceAction): Reason {
  const { state, height } = ctx;
  switch (a.type) {
    case 'registerSite':
    case 'suspendSite':
    case 'resumeSite':
    case 'revokeSite':
    case 'rotateSiteKey':
      return applySiteAction(state, a);
    case 'addScpKey':
      return addScpKey(state, a);
    case 'retireScpKey':
      return retireScpKey(state, a.scpKeyId);
    case 'setParams':
      if (a.activateAt <= height) return Reason.ActivationNotInFuture;
      schedule(
        state,
        PARAMS_KEY,
        a.activateAt,
        storedParams(a.params, valueAt<ParamsJson>(state, PARAMS_KEY, a.activateAt)),
      );
      return Reason.None;
    case 'setValidators':
      // At least one header of the set in force (the one at activateAt - 1) must carry a state root
      // that holds the change: that header's certificate is what proves the change to light clients.
      if (a.activateAt <= height + 1) return Reason.ActivationNotInFuture;
      schedule(
        state,
        VALIDATORS_KEY,
        a.activateAt,
        a.validators.map((v) => hex(v.publicKey)),
      );
      return Reason.None;
    case 'setAdmins':
      state.put(K.admins, { admins: a.admins.map(hex), threshold: a.threshold });
      return Reason.None;
    case 'registerCounterparty':
      return registerCounterparty(ctx, a);
    case 'recoverClient':
      return recoverClient(ctx, a.clientId, a.substituteId);
  }
}

/**
 * Executes when the approvals of current admins reach the threshold; the proposal then closes and
 * goes to the history, executed or failed (the action did not apply), with the call that closed it.
 */
function settle(ctx: CallContext, id: string, p: ProposalRecord): Reason {
  const { ids, threshold } = currentAdmins(ctx.state);
  const votes = p.approvals.filter((a) => ids.has(a)).length;
  if (votes < threshold) {
    ctx.state.put(K.proposal(id), p);
    return Reason.None;
  }
  const action = actionFromJson(p.action);
  const prior = before(ctx.state, action);
  const reason = execute(ctx, action);
  const ok = reason === Reason.None;
  close(ctx.state, {
    id,
    p,
    outcome: ok ? 'executed' : 'failed',
    height: ctx.height,
    closedBy: ctx.tracingCodeHex,
    reason,
    changes: ok ? changesOf(action, prior, ctx.height) : [],
  });
  return reason;
}

/** Applies one contract call, then closes every other proposal found expired at the block time. */
export function applyCall(ctx: CallContext, call: Exclude<ContractCall, XchainCall>): Reason {
  const reason = applyOne(ctx, call);
  if (reason !== Reason.NotAdmin) sweepExpired(ctx.state, ctx.time, ctx.height);
  return reason;
}

/** Applies one contract call; Reason.None when applied. */
function applyOne(ctx: CallContext, call: Exclude<ContractCall, XchainCall>): Reason {
  if (!currentAdmins(ctx.state).ids.has(ctx.signerKeyIdHex)) return Reason.NotAdmin;
  if (call.type === 'propose') {
    const invalid = validateAction(call.action);
    if (invalid !== Reason.None) return invalid;
    if (!(call.expiresAt > ctx.time)) return Reason.ExpiryInPast;
    const p: ProposalRecord = {
      action: actionToJson(call.action),
      proposer: ctx.signerKeyIdHex,
      approvals: [ctx.signerKeyIdHex],
      expiresAt: call.expiresAt,
      height: ctx.height,
    };
    return settle(ctx, ctx.tracingCodeHex, p);
  }
  const id = hex(call.proposalId);
  const p = ctx.state.get<ProposalRecord>(K.proposal(id));
  if (p === undefined) return Reason.UnknownProposal;
  if (ctx.time > p.expiresAt) {
    const closing = { id, p, outcome: 'expired' as const, height: ctx.height, changes: [] };
    close(ctx.state, { ...closing, closedBy: ctx.tracingCodeHex, reason: Reason.ProposalExpired });
    return Reason.ProposalExpired;
  }
  if (p.approvals.includes(ctx.signerKeyIdHex)) return Reason.AlreadyApproved;
  return settle(ctx, id, { ...p, approvals: [...p.approvals, ctx.signerKeyIdHex] });
}
