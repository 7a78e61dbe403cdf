// An in-process query API over a seeded in-memory platform store, and a small client for the tests.

import type { ApiDeps } from '../../../platform/api/routes.js';
import { type ApiServer, startApi } from '../../../platform/api/server.js';
import { assess } from '../../../platform/assess.js';
import { rowsFromPackets } from '../../../platform/assess-input.js';
import type { StoredPacket } from '../../../platform/outcome.js';
import type { PlatformStore } from '../../../platform/store.js';
import { HOUR } from './api-seed.js';

/** The platform handle's assess, over the store's packets (no registry: nothing else expected). */
export function storeDeps(store: PlatformStore, extra: Partial<ApiDeps> = {}): ApiDeps {
  return {
    store,
    assess: async (q) => {
      const packets: StoredPacket[] = [];
      for await (const p of store.packets()) packets.push(p);
      const { rows, failed } = rowsFromPackets(packets);
      return assess(rows, { periodMs: HOUR, failed, ...q });
    },
    ...extra,
  };
}

export interface Reply {
  status: number;
  type: string;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked field by field.
  json: any;
}

export async function get(api: ApiServer | string, path: string, init: RequestInit = {}): Promise<Reply> {
  const base = typeof api === 'string' ? api : api.url;
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    type,
    text,
    json: type.startsWith('application/json') ? JSON.parse(text) : undefined,
  };
}

/** RFC 4180 lines without quoted newlines (the seeded values have none). */
export function parseCsv(text: string): string[][] {
  const lines = text.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => {
    const out: string[] = [];
    const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
    for (let m = re.exec(l); m; m = re.exec(l)) {
      const f = m[1] ?? '';
      out.push(f.startsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f);
      if (m[2] === '') break;
    }
    return out;
  });
}

export { type ApiServer, startApi };
