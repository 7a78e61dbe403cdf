// The client side of the platform's query API (platform/api/): what `bkdms platform query …` uses
// to read a running platform's database from another process (on PGlite, the only way while
// `platform run` follows). The read token comes from a 0600-style file or BKDMS_API_TOKEN, never
// from the command line.
import { readFileSync } from 'node:fs';

export const DEFAULT_API = 'http://127.0.0.1:7080';

export interface ApiTarget {
  api: string;
  token?: string;
}

/** The read token: the first line of `file`, else BKDMS_API_TOKEN, else none. */
export function readToken(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (file !== undefined) {
    const line = readFileSync(file, 'utf8').split(/\r?\n/)[0]?.trim() ?? '';
    if (line === '') throw new Error(`${file}: no token on its first line`);
    return line;
  }
  const v = env.BKDMS_API_TOKEN?.trim();
  return v === undefined || v === '' ? undefined : v;
}

export function apiUrl(
  t: ApiTarget,
  path: string,
  params: Record<string, string | number | undefined>,
): string {
  const u = new URL(path, t.api.endsWith('/') ? t.api : `${t.api}/`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, String(v));
  return u.toString();
}

/** GETs `path`; a refused request throws with the API's error and the field it names. */
export async function apiGet(
  t: ApiTarget,
  path: string,
  params: Record<string, string | number | undefined> = {},
): Promise<Response> {
  const url = apiUrl(t, path, params);
  let res: Response;
  try {
    res = await fetch(url, t.token ? { headers: { authorization: `Bearer ${t.token}` } } : {});
  } catch (err) {
    throw new Error(
      `query API at ${t.api} did not answer (${(err as Error).message}): is \`platform run\` serving it (config "api")?`,
    );
  }
  if (res.ok) return res;
  let detail = res.statusText;
  try {
    const body = (await res.json()) as { error?: string; field?: string };
    detail = body.field ? `${body.field}: ${body.error}` : (body.error ?? detail);
  } catch {
    // not JSON: keep the status text
  }
  throw new Error(`query API ${res.status}: ${detail}`);
}

export async function apiJson<T>(
  t: ApiTarget,
  path: string,
  params: Record<string, string | number | undefined> = {},
): Promise<T> {
  return (await (await apiGet(t, path, params)).json()) as T;
}
