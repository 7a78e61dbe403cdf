// The typed client of bkdms.v1.Management: deadlines, ApiErrors with the server's reason, WatchNode
// as an async iterator that the caller ends by breaking out or aborting, and SetLogLevel and
// BackupNode signed
// with an administrator's key (api/admin-request.ts). Connects like BkdmsClient (TLS flags).
import type { CallOptions, Client, ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import type { Ed25519KeyPair } from '../crypto/ed25519.js';
import { signAdminRequest } from './admin-request.js';
import { channelOptionsOf, defaultClientDeadlineMs } from './client.js';
import { ApiError, ApiErrorCode } from './errors.js';
import { managementService } from './management-service.js';
import type { NodeBackupResult, NodeInfo, NodeSample, PeerList } from './management-types.js';
import { fromServiceError } from './status.js';
import type { ClientTls } from './tls.js';
import { clientCredentials } from './tls.js';

export interface ManagementClientOptions {
  address: string;
  tls: ClientTls;
  deadlineMs?: number;
}

export type UnaryFn = (
  req: unknown,
  md: Metadata,
  opts: CallOptions,
  cb: (err: ServiceError | null, res?: unknown) => void,
) => unknown;

export const SET_LOG_LEVEL_PATH = '/bkdms.v1.Management/SetLogLevel';
export const BACKUP_NODE_PATH = '/bkdms.v1.Management/BackupNode';

export class ManagementClient {
  private readonly raw: Client;
  private readonly deadlineMs: number;

  constructor(opts: ManagementClientOptions) {
    const Ctor = managementService();
    this.raw = new Ctor(opts.address, clientCredentials(opts.tls), channelOptionsOf());
    this.deadlineMs = opts.deadlineMs ?? defaultClientDeadlineMs;
  }

  close(): void {
    this.raw.close();
  }

  private call<T>(
    method: string,
    req: unknown,
    md: Metadata = new Metadata(),
    deadlineMs = this.deadlineMs,
  ): Promise<T> {
    const fn = (this.raw as unknown as Record<string, UnaryFn>)[method]!.bind(this.raw);
    return new Promise<T>((resolve, reject) => {
      fn(req, md, { deadline: Date.now() + deadlineMs }, (err, res) =>
        err ? reject(fromServiceError(err)) : resolve(res as T),
      );
    });
  }

  getNodeInfo(): Promise<NodeInfo> {
    return this.call('GetNodeInfo', {});
  }

  listPeers(): Promise<PeerList> {
    return this.call('ListPeers', {});
  }

  /**
   * Sets the node's log spec. With `admin`, the request is signed for the node this client talks
   * to (its chain ID and peer ID come from GetNodeInfo first); without it, the node must know the
   * caller by its mutual-TLS certificate.
   */
  async setLogLevel(spec: string, admin?: Ed25519KeyPair): Promise<{ spec: string; admin: string }> {
    const md =
      admin === undefined
        ? new Metadata()
        : await this.adminMetadata(admin, SET_LOG_LEVEL_PATH, ManagementClient.setLogLevelBytes(spec));
    return this.setLogLevelWith(spec, md);
  }

  /**
   * Call metadata signing one request for the node this client talks to (its chain ID and peer ID
   * from GetNodeInfo): `method` is the full gRPC path, `request` the bytes the request is sent as.
   * Any service's admin-only call on this node is signed so (api/admin-call.ts).
   */
  async adminMetadata(admin: Ed25519KeyPair, method: string, request: Uint8Array): Promise<Metadata> {
    const { identity } = await this.getNodeInfo();
    return signAdminRequest(admin, {
      chainId: Buffer.from(identity.chainId, 'hex'),
      audience: identity.peerId,
      method,
      request,
    });
  }

  /** SetLogLevel with call metadata made by the caller (a signature made elsewhere, tests). */
  setLogLevelWith(spec: string, md: Metadata): Promise<{ spec: string; admin: string }> {
    return this.call('SetLogLevel', { spec }, md);
  }

  /** The bytes a SetLogLevel request is sent as (what an admin signature covers). */
  static setLogLevelBytes(spec: string): Uint8Array {
    return new Uint8Array(managementService().service.SetLogLevel!.requestSerialize({ spec }));
  }

  /**
   * Has the node write a backup of itself to `path` (absolute, on the node's machine) and waits for
   * it, up to `deadlineMs` (a backup of a large chain takes minutes). Signed like setLogLevel.
   */
  async backupNode(
    path: string,
    admin: Ed25519KeyPair | undefined,
    deadlineMs: number,
  ): Promise<NodeBackupResult> {
    const md =
      admin === undefined
        ? new Metadata()
        : await this.adminMetadata(
            admin,
            BACKUP_NODE_PATH,
            new Uint8Array(managementService().service.BackupNode!.requestSerialize({ path })),
          );
    return this.call('BackupNode', { path }, md, deadlineMs);
  }

  /** Samples as the node sends them (one a second); ends after `maxSamples` or when `signal` aborts. */
  async *watchNode(maxSamples = 0, signal?: AbortSignal): AsyncGenerator<NodeSample> {
    const fn = (
      this.raw as unknown as Record<string, (r: unknown) => ClientReadableStream<NodeSample>>
    ).WatchNode!.bind(this.raw);
    const stream = fn({ maxSamples });
    const onAbort = (): void => stream.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const s of stream as AsyncIterable<NodeSample>) yield s;
    } catch (err) {
      if (signal?.aborted) return;
      const e = err as ServiceError;
      throw typeof e.code === 'number'
        ? fromServiceError(e)
        : new ApiError(ApiErrorCode.Transport, String(err));
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Breaking out of the loop lands here too: tell the node to stop sending.
      stream.cancel();
    }
  }
}
