// The test-kit switch of `bkdms node start` (test-only, docs/operations.md "Test-kit modes"): the
// lies named by BKDMS_TESTKIT_LIE are taken only together with the explicit --testkit flag, so an
// environment variable left behind can never turn a production node into a liar; either one alone
// refuses to start. Read once, at start.
import type { NodeApi } from '../api/handlers.js';
import { generateX25519 } from '../crypto/x25519.js';
import { LIE_ENV, lyingNodeApi, parseLies } from '../testkit/lying-node.js';

export interface TestkitSwitch {
  /** The lies, for the start-up warning. */
  lies: string[];
  wrapApi: (api: NodeApi) => NodeApi;
}

/** undefined for an honest node; throws when only one of the flag and the variable is given. */
export function testkitSwitch(
  flag: boolean,
  env: NodeJS.ProcessEnv = process.env,
): TestkitSwitch | undefined {
  const spec = env[LIE_ENV];
  if (spec === undefined || spec === '') {
    if (flag) throw new Error(`--testkit needs ${LIE_ENV} (which lies to tell); refusing to start`);
    return undefined;
  }
  if (!flag)
    throw new Error(
      `${LIE_ENV} is set but --testkit is not: a lying node is for tests only; refusing to start`,
    );
  const lies = parseLies(spec);
  // The liar's own key, made fresh: what it claims is the SCP's.
  const forgedScpKey = generateX25519().publicKey;
  return { lies: [...lies], wrapApi: (api) => lyingNodeApi(api, { lies, forgedScpKey }) };
}
