// Loads api/bkdms.proto at run time. There is no build step that copies it, so the file is found
// from this module's own location by walking up to the folder holding package.json: the same code
// then works from api/ under vitest and from build/api/ when the compiled JS runs.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceClientConstructor, ServiceDefinition } from '@grpc/grpc-js';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ApiError, ApiErrorCode } from './errors.js';

/** Folder holding package.json, searched upward from `start`. */
export function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new ApiError(ApiErrorCode.Internal, `no package.json above ${start}`);
    dir = parent;
  }
}

export const protoPath: string = join(
  findRepoRoot(dirname(fileURLToPath(import.meta.url))),
  'api',
  'bkdms.proto',
);

let cached: ServiceClientConstructor | undefined;

/**
 * The Ledger service's client constructor (its `.service` is the server-side definition).
 * uint64 fields arrive as JS numbers: the handlers reject anything at or above 2^53.
 */
export function ledgerService(): ServiceClientConstructor {
  if (cached) return cached;
  const def = loadSync(protoPath, { keepCase: false, longs: Number, defaults: true, oneofs: false });
  const pkg = loadPackageDefinition(def) as unknown as {
    bkdms: { v1: { Ledger: ServiceClientConstructor } };
  };
  cached = pkg.bkdms.v1.Ledger;
  return cached;
}

/**
 * What the server's request deserializer hands over for bytes that are not the method's request
 * message. grpc-js answers INTERNAL when a deserializer throws, which docs/rpc.md reserves for node
 * bugs; this value lets api/validate.ts answer INVALID_ARGUMENT instead (and lets a streaming call
 * end at once rather than open a subscription).
 */
export class UndecodableRequest {
  constructor(readonly method: string) {}
}

/**
 * The Ledger service as the server registers it: the same methods, with request deserializers
 * that return an UndecodableRequest instead of throwing.
 */
export function ledgerServiceDefinition(): ServiceDefinition {
  const methods = Object.entries(ledgerService().service).map(([name, m]) => {
    const decode = m.requestDeserialize;
    const requestDeserialize = (bytes: Buffer): unknown => {
      try {
        return decode(bytes);
      } catch {
        return new UndecodableRequest(m.originalName ?? name);
      }
    };
    return [name, { ...m, requestDeserialize }] as const;
  });
  return Object.fromEntries(methods) as ServiceDefinition;
}
