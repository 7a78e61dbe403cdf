// The test-kit switch of `bkdms node start` (test-only, docs/operations.md "Test-kit modes"): the
// lies named by BKDMS_TESTKIT_LIE, the Byzantine consensus modes named by BKDMS_TESTKIT_BYZANTINE,
// the divergent chain from BKDMS_TESTKIT_DIVERGE_FROM, the colluding quorum's headers of
// BKDMS_TESTKIT_QUORUM_FORK, the corrupted state from BKDMS_TESTKIT_CORRUPT_STATE_FROM and the
// crash point armed by BKDMS_TESTKIT_FAILPOINT are taken only together with the explicit
// --testkit flag, so an environment variable left behind can never turn a production node into a
// liar, a Byzantine validator or a node that kills itself; the flag without any of them, or any of
// them without the flag, refuses to start. Read once, at start.
import { randomBytes } from 'node:crypto';
import type { NodeApi } from '../api/handlers.js';
import { generateX25519 } from '../crypto/x25519.js';
import type { StartNodeOptions } from '../node/node.js';
import {
  armFailpoint,
  FAILPOINT_ENV,
  PLATFORM_FAILPOINTS,
  parseFailpoint,
  SEGMENT_BYTES_ENV,
} from '../runtime/failpoints.js';
import {
  BYZANTINE_ENV,
  byzantineRewrite,
  divergentSnapshotEntries,
  parseByzantineModes,
} from '../testkit/byzantine.js';
import { CENSOR_ENV, censorEntries, parseCensoredSigner } from '../testkit/censor.js';
import { CORRUPT_STATE_ENV, corruptStateFrom, parseCorruptStateFrom } from '../testkit/corrupt-state.js';
import {
  DIVERGE_ENV,
  divergentTipApi,
  divergentTipRewrite,
  parseDivergeFrom,
} from '../testkit/divergent-tip.js';
import { floodService } from '../testkit/flood.js';
import { LIE_ENV, lyingNodeApi, parseLies } from '../testkit/lying-node.js';
import { clusterValidatorKeys, QUORUM_FORK_ENV, quorumForkApi } from '../testkit/quorum-fork.js';

const ENVS = [
  LIE_ENV,
  BYZANTINE_ENV,
  FAILPOINT_ENV,
  DIVERGE_ENV,
  QUORUM_FORK_ENV,
  CORRUPT_STATE_ENV,
  SEGMENT_BYTES_ENV,
  CENSOR_ENV,
] as const;

export interface TestkitSwitch {
  /** The lies, for the start-up warning. */
  lies: string[];
  /** The Byzantine modes, for the start-up warning. */
  byzantine: string[];
  /** The first height at which the node pretends to hold other blocks, for the start-up warning. */
  divergeFrom?: number;
  /** The cluster folder whose validator keys sign the other block of each height, for the start-up warning. */
  quorumFork?: string;
  /** The height after whose block the node corrupts its own state, for the start-up warning. */
  corruptStateFrom?: number;
  /** The armed crash point (`name:hit`), for the start-up warning. */
  failpoint?: string;
  /** What the node is started with. */
  options: StartNodeOptions;
  /** Arms the crash point (called once the node is about to start). */
  arm(): void;
  /** Loads what a mode needs from disk (the colluding keys); called once, before the node starts. */
  prepare?: () => Promise<void>;
  /** Kept for callers that wrap the RPC handlers themselves. */
  wrapApi?: (api: NodeApi) => NodeApi;
}

/** undefined for an honest node; throws when only one of the flag and the variables is given. */
export function testkitSwitch(
  flag: boolean,
  env: NodeJS.ProcessEnv = process.env,
): TestkitSwitch | undefined {
  const given = ENVS.filter((name) => (env[name] ?? '') !== '');
  if (given.length === 0) {
    if (flag)
      throw new Error(`--testkit needs ${ENVS.slice(0, 5).join(', ')} (what to do); refusing to start`);
    return undefined;
  }
  if (!flag)
    throw new Error(
      `${given.join(', ')} set but --testkit is not: test-kit modes are for tests only; refusing to start`,
    );
  const out: TestkitSwitch = { lies: [], byzantine: [], options: {}, arm: () => undefined };
  const lieSpec = env[LIE_ENV] ?? '';
  if (lieSpec !== '') {
    const lies = parseLies(lieSpec);
    // The liar's own key, made fresh: what it claims is the SCP's.
    const forgedScpKey = generateX25519().publicKey;
    out.lies = [...lies];
    out.wrapApi = (api) => lyingNodeApi(api, { lies, forgedScpKey });
    out.options.wrapApi = out.wrapApi;
  }
  const byzSpec = env[BYZANTINE_ENV] ?? '';
  if (byzSpec !== '') {
    const modes = parseByzantineModes(byzSpec);
    out.byzantine = [...modes];
    out.options.consensusRewrite = (ctx) =>
      byzantineRewrite(modes, { ...ctx, random: (n) => new Uint8Array(randomBytes(n)) });
    if (modes.has('divergent-snapshot')) out.options.falsifySnapshots = divergentSnapshotEntries;
    if (modes.has('flood'))
      out.options.networkAttack = (net) => floodService(net, (n) => new Uint8Array(randomBytes(n)));
  }
  const censorSpec = env[CENSOR_ENV] ?? '';
  if (out.byzantine.includes('censor-site') !== (censorSpec !== ''))
    throw new Error(
      `${BYZANTINE_ENV}=censor-site and ${CENSOR_ENV} (the signer key ID it censors) go together; refusing to start`,
    );
  if (censorSpec !== '') out.options.censorRequests = censorEntries(parseCensoredSigner(censorSpec));
  const divSpec = env[DIVERGE_ENV] ?? '';
  if (divSpec !== '') {
    const from = parseDivergeFrom(divSpec);
    out.divergeFrom = from;
    const rewrite = out.options.consensusRewrite;
    out.options.consensusRewrite = (ctx) => divergentTipRewrite(from, ctx, rewrite?.(ctx));
    const wrap = out.wrapApi;
    out.wrapApi = (api) => divergentTipApi(wrap === undefined ? api : wrap(api), from);
    out.options.wrapApi = out.wrapApi;
  }
  const forkDir = env[QUORUM_FORK_ENV] ?? '';
  if (forkDir !== '') {
    out.quorumFork = forkDir;
    out.prepare = async () => {
      const keys = await clusterValidatorKeys(forkDir);
      const wrap = out.wrapApi;
      out.wrapApi = (api) => quorumForkApi(wrap === undefined ? api : wrap(api), keys);
      out.options.wrapApi = out.wrapApi;
    };
  }
  const corruptSpec = env[CORRUPT_STATE_ENV] ?? '';
  if (corruptSpec !== '') {
    const from = parseCorruptStateFrom(corruptSpec);
    out.corruptStateFrom = from;
    out.options.tamperContracts = (contracts) => corruptStateFrom(contracts, from);
  }
  const fpSpec = env[FAILPOINT_ENV] ?? '';
  if (fpSpec !== '') {
    const fp = parseFailpoint(fpSpec);
    if ((PLATFORM_FAILPOINTS as readonly string[]).includes(fp.name))
      throw new Error(
        `${FAILPOINT_ENV}: "${fp.name}" is the platform's crash point (platform run --testkit)`,
      );
    out.failpoint = `${fp.name}:${fp.hit}`;
    out.arm = () => armFailpoint(fp);
  }
  const seg = env[SEGMENT_BYTES_ENV] ?? '';
  if (seg !== '') {
    const bytes = Number(seg);
    if (!Number.isInteger(bytes) || bytes < 4096)
      throw new Error(`${SEGMENT_BYTES_ENV}: "${seg}" is not a segment size in bytes (≥ 4096)`);
    out.options.segmentBytes = bytes;
  }
  return out;
}
