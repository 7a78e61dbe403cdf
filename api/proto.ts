// Loads the .proto files of api/ at run time. There is no build step that copies it, so the file is found
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

/** Path of a .proto file of api/ (found from api/ and from build/api/ alike). */
export function apiProtoPath(file: string): string {
  return join(findRepoRoot(dirname(fileURLToPath(import.meta.url))), 'api', file);
}

export const protoPath: string = apiProtoPath('bkdms.proto');

/**
 * A service of a .proto file of api/ in package bkdms.v1, loaded once per process. uint64 fields
 * arrive as JS numbers (longs: Number).
 */
export function loadService(file: string, name: string): ServiceClientConstructor {
  const key = `${file}#${name}`;
  const hit = loaded.get(key);
  if (hit) return hit;
  const def = loadSync(apiProtoPath(file), { keepCase: false, longs: Number, defaults: true, oneofs: false });
  const pkg = loadPackageDefinition(def) as unknown as { bkdms: { v1: Record<string, unknown> } };
  const ctor = pkg.bkdms.v1[name] as ServiceClientConstructor | undefined;
  if (ctor === undefined) throw new ApiError(ApiErrorCode.Internal, `no service ${name} in ${file}`);
  loaded.set(key, ctor);
  return ctor;
}

const loaded = new Map<string, ServiceClientConstructor>();

/**
 * The Ledger service's client constructor (its `.service` is the server-side definition).
 * uint64 fields arrive as JS numbers: the handlers reject anything at or above 2^53.
 */
export function ledgerService(): ServiceClientConstructor {
  return loadService('bkdms.proto', 'Ledger');
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
  // No Ledger method is admin-signed: its requests' bytes are not kept. Keeping them copied every
  // UploadBatch body (tens of KB per call) into a second buffer that nothing read.
  return tolerantDefinition(ledgerService(), { keepRequestBytes: false });
}

/** Request bytes as received, by decoded request object (what an admin signature covers). */
const rawRequests = new WeakMap<object, Uint8Array>();

/** The bytes a decoded request arrived as; undefined for an object no server decoded. */
export function requestBytesOf(request: unknown): Uint8Array | undefined {
  return typeof request === 'object' && request !== null ? rawRequests.get(request) : undefined;
}

export interface TolerantOptions {
  /**
   * Remember each request's bytes for requestBytesOf (services whose calls an admin signs); default
   * true. The bytes kept are a copy: they outlive the call in the signature check and the audit
   * line, and grpc-js owns the buffer it decoded from.
   */
  keepRequestBytes?: boolean;
}

/**
 * A service as a server registers it: the same methods, with request deserializers that return an
 * UndecodableRequest instead of throwing and (unless told not to) remember the bytes each request
 * arrived as.
 */
export function tolerantDefinition(
  ctor: ServiceClientConstructor,
  opts: TolerantOptions = {},
): ServiceDefinition {
  const keep = opts.keepRequestBytes !== false;
  const methods = Object.entries(ctor.service).map(([name, m]) => {
    const decode = m.requestDeserialize;
    const requestDeserialize = (bytes: Buffer): unknown => {
      try {
        const req = decode(bytes) as unknown;
        if (keep && typeof req === 'object' && req !== null) rawRequests.set(req, new Uint8Array(bytes));
        return req;
      } catch {
        return new UndecodableRequest(m.originalName ?? name);
      }
    };
    return [name, { ...m, requestDeserialize }] as const;
  });
  return Object.fromEntries(methods) as ServiceDefinition;
}
