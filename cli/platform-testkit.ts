// The test-kit switch of `bkdms platform run` (test-only, docs/operations.md "Test-kit modes"):
// the platform's crash point named by BKDMS_TESTKIT_FAILPOINT is armed only together with the
// explicit --testkit flag, so a variable left behind never makes a production platform kill
// itself; the flag without the variable, the variable without the flag, or a point that is not
// the platform's refuses to start. Read once, at start.
import {
  type ArmedFailpoint,
  FAILPOINT_ENV,
  PLATFORM_FAILPOINTS,
  parseFailpoint,
} from '../runtime/failpoints.js';

/** The crash point to arm, or undefined for a normal platform; throws on any mismatch. */
export function platformTestkit(
  flag: boolean,
  env: NodeJS.ProcessEnv = process.env,
): ArmedFailpoint | undefined {
  const spec = env[FAILPOINT_ENV] ?? '';
  if (spec === '') {
    if (flag) throw new Error(`--testkit needs ${FAILPOINT_ENV} (what to do); refusing to start`);
    return undefined;
  }
  if (!flag)
    throw new Error(
      `${FAILPOINT_ENV} set but --testkit is not: test-kit modes are for tests only; refusing to start`,
    );
  const fp = parseFailpoint(spec);
  if (!(PLATFORM_FAILPOINTS as readonly string[]).includes(fp.name))
    throw new Error(
      `${FAILPOINT_ENV}: "${fp.name}" is a node's crash point, not the platform's (${PLATFORM_FAILPOINTS.join(', ')}); refusing to start`,
    );
  return fp;
}
