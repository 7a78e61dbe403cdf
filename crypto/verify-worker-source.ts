// Source of the verification worker, as a string for `new Worker(code, { eval: true })`: the same
// code runs whether the pool was loaded from compiled build/ JavaScript or from .ts sources under
// vitest, with no worker file path to resolve. It loads sodium-native by the absolute path the
// pool passes in workerData.
//
// Job layout (one transferred ArrayBuffer): `count` items, each
//   publicKey (32) || signature (64) || message length (u32 little-endian) || message
// Answer: { id, out } with out[i] = 1 when item i verifies, 0 otherwise (transferred back).

export const VERIFY_WORKER_SOURCE = `
'use strict';
// The runtime polyfill of every entry point (node/polyfill.ts): Node 20 lacks Promise.withResolvers.
if (typeof Promise.withResolvers !== 'function')
  Promise.withResolvers = () => {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
const { parentPort, workerData } = require('node:worker_threads');
const sodium = require(workerData.sodiumPath);
parentPort.on('message', (job) => {
  const bytes = new Uint8Array(job.buf);
  const view = new DataView(job.buf);
  const out = new Uint8Array(job.count);
  let at = 0;
  for (let i = 0; i < job.count; i++) {
    const len = view.getUint32(at + 96, true);
    const end = at + 100 + len;
    if (end > bytes.length) break;
    let ok = false;
    try {
      ok = sodium.crypto_sign_verify_detached(
        bytes.subarray(at + 32, at + 96),
        bytes.subarray(at + 100, end),
        bytes.subarray(at, at + 32),
      );
    } catch {
      ok = false;
    }
    out[i] = ok ? 1 : 0;
    at = end;
  }
  parentPort.postMessage({ id: job.id, out }, [out.buffer]);
});
`;
