// The governance action types the console's Propose form offers, shared by the page (its type list)
// and the backend (console/propose.ts, which builds them): a module of its own so the page's bundle
// takes the list without the builders behind it.
export const PROPOSABLE = [
  'setAdmins',
  'setValidators',
  'setParams',
  'registerSite',
  'suspendSite',
  'resumeSite',
  'revokeSite',
  'rotateSiteKey',
  'addScpKey',
  'retireScpKey',
  'recoverClient',
] as const;

export type Proposable = (typeof PROPOSABLE)[number];

/** Registering another chain's light client: built apart (console/propose-counterparty.ts), as it fetches a header from that chain. */
export const COUNTERPARTY = 'registerCounterparty';

/** Every type the form offers. */
export const FORM_TYPES: readonly string[] = [...PROPOSABLE, COUNTERPARTY];
