// The defaults of `gov propose register-counterparty`'s flags, which the console's Propose form
// offers too: a module without imports, so the page's bundle takes them without the builder.
export const COUNTERPARTY_DEFAULTS = { trustingPeriodHours: 336, maxClockDriftMs: 10_000 } as const;
