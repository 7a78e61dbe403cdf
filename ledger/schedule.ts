// Chain parameters and the validator set change only at a future height, so every node switches
// at the same block. Each is kept as its full activation history (changes are rare), which also
// lets a verifier find the validator set of any past block.
import { K, type Scheduled } from './records.js';
import type { ContractState, Json } from './state.js';

export function history<T extends Json>(state: ContractState, key: string): Scheduled<T>[] {
  return state.get<Scheduled<T>[]>(key) ?? [];
}

/** The value in force at `height`: the last activation at or below it. */
export function valueAt<T extends Json>(state: ContractState, key: string, height: number): T | undefined {
  let found: T | undefined;
  for (const s of history<T>(state, key)) if (s.activateAt <= height) found = s.value;
  return found;
}

/** Adds an activation; a later schedule for the same height replaces the earlier one. */
export function schedule<T extends Json>(
  state: ContractState,
  key: string,
  activateAt: number,
  value: T,
): void {
  const kept = history<T>(state, key).filter((s) => s.activateAt !== activateAt);
  kept.push({ activateAt, value });
  kept.sort((a, b) => a.activateAt - b.activateAt);
  state.put(key, kept);
}

export const PARAMS_KEY = K.params;
export const VALIDATORS_KEY = K.validators;
