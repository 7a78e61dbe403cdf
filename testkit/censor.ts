// The `censor-site` Byzantine mode (test-only): the node's consensus core never hears of the
// envelopes of one signer (a site's key ID), so as primary it proposes every block without them,
// while it still admits, stores and relays them like any node. What must defeat it is the honest
// replicas' anti-censorship timer (docs/consensus.md): an envelope waiting in their request queue
// longer than `requestTimeoutTicks` in a view makes them change view, and the next primary
// proposes it.

/** The variable naming the censored signer: its key ID, hex. */
export const CENSOR_ENV = 'BKDMS_TESTKIT_CENSOR_SIGNER';

/** A key ID as hex (16 bytes); anything else is refused, so a typo never censors no one. */
export function parseCensoredSigner(spec: string): string {
  const hex = spec.trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex))
    throw new Error(`${CENSOR_ENV}: "${spec}" is not a signer key ID (32 hex digits)`);
  return hex;
}

/** What the driver hands its core of newly admitted envelopes: all but the censored signer's. */
export function censorEntries<E extends { signer: string }>(signer: string): (entries: E[]) => E[] {
  return (entries) => entries.filter((e) => e.signer.toLowerCase() !== signer);
}
