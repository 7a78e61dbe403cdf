// Fetches a cross-chain trace bundle from one of chain B's nodes: B's proven fact record for A's
// envelope, the trace of the call that recorded it, and B's proven consensus state at the call's
// anchor height. Nothing fetched is believed: api/xchain-trace-verify.ts checks the bundle.
import type { Hash32 } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import { type FactRecord, XK } from '../ledger/xchain/records.js';
import type { BkdmsClient } from './client.js';
import { ApiError, ApiErrorCode } from './errors.js';
import { provenKeyOf, type XchainTraceBundle } from './xchain-trace-file.js';

type TraceSource = Pick<BkdmsClient, 'getState' | 'trace'>;

const HEX32 = /^[0-9a-f]{64}$/;

/** The bundle for A's envelope `tracingCode` recorded by B's client `clientId`; NOT_FOUND when B proves no such fact. */
export async function fetchXchainTrace(
  b: TraceSource,
  clientId: number,
  tracingCode: Hash32,
): Promise<XchainTraceBundle> {
  const factKey = XK.fact(clientId, toHex(tracingCode));
  const factAnswer = await b.getState(factKey, true);
  const entry = factAnswer.entries[0];
  if (entry === undefined)
    throw new ApiError(
      ApiErrorCode.NotFound,
      `chain B proves no ${factKey} in its state after height ${factAnswer.height}: the fact was not ` +
        "recorded, or only in B's newest block (proven once the next block commits)",
    );
  const fact = JSON.parse(new TextDecoder().decode(entry.value)) as FactRecord;
  if (typeof fact.recordedBy !== 'string' || !HEX32.test(fact.recordedBy))
    throw new ApiError(ApiErrorCode.Malformed, `${factKey} names no recording call`);
  const call = await b.trace(Buffer.from(fact.recordedBy, 'hex'));
  const consKey = XK.consensus(clientId, fact.anchorHeight);
  const consAnswer = await b.getState(consKey, true);
  if (consAnswer.entries.length === 0)
    throw new ApiError(
      ApiErrorCode.NotFound,
      `chain B no longer holds ${consKey} (a client keeps its newest consensus states only): the ` +
        'fact stays recorded, but its A-side proof can no longer be checked from B alone',
    );
  return {
    clientId,
    call,
    fact: provenKeyOf(factAnswer.proof, factKey),
    consensus: provenKeyOf(consAnswer.proof, consKey),
  };
}
