// The operator's pages' backend: governance and site registrations (read with proofs against the
// console's trust anchor, console/proven-reads.ts; approving with the console's admin key), node
// logs, KPI data and its quality assessment from the platform, alarm acknowledgement. Reads are
// GETs like the rest of the API. The actions are POSTs guarded against cross-site requests: a JSON
// body, the header `X-Bkdms-Console: 1` (which a plain cross-origin form cannot send, and a script
// cannot without a preflight the console never grants) and, when the browser sends one, an Origin
// naming this host.
import type { IncomingMessage } from 'node:http';
import { parseJson } from '../api/state-values.js';
import { K, type SiteRecord } from '../ledger/records.js';
import { siteIdText } from './envelope-summary.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';
import { type GovernanceView, readGovernance } from './governance.js';
import { CHART_LIMIT, fetchQuality, fetchValues, type KpiSite, kpiSiteOf, valuesQuery } from './kpi-data.js';
import { logQuery, nodeLogs } from './logs.js';
import type { ItemProof } from './proven-reads.js';
import type { ConsoleService } from './service.js';

// An approval carries the action it approves; a counterparty registration carries the other
// chain's genesis file, its registered sites included (a few thousand fit).
const MAX_BODY = 1_048_576;

function upNode(svc: ConsoleService) {
  const n = svc.nodes.find((x) => x.view.up);
  if (n === undefined) throw new ConsoleError(ConsoleErrorCode.Unavailable, 'no node is up');
  return n;
}

export async function governance(svc: ConsoleService): Promise<GovernanceView> {
  upNode(svc);
  const view = await readGovernance((key) => svc.reads.item(key), Date.now(), svc.reads.anchored);
  return { ...view, ...(svc.adminKeyId === undefined ? {} : { adminKeyId: svc.adminKeyId }) };
}

export async function logs(svc: ConsoleService, q: URLSearchParams): Promise<unknown> {
  const index = Number(q.get('node') ?? '0');
  const query = logQuery(q, Date.now());
  return nodeLogs(Number.isInteger(index) ? svc.nodes[index] : undefined, query, svc.adminKey, Date.now());
}

export async function kpiSiteList(svc: ConsoleService): Promise<unknown> {
  // The state has no group of sites to list: those seen uploading are looked up one by one, each
  // proven on its own; a registration no node proved is listed apart, with the reasons.
  upNode(svc);
  const read = await Promise.all(
    [...svc.chain.sites].map(async (id) => ({ id, r: await svc.reads.item(K.site(id)) })),
  );
  const sites: KpiSite[] = [];
  const refused: { keyId: string; proof: ItemProof }[] = [];
  for (const { id, r } of read) {
    if (r.proof.error !== undefined) refused.push({ keyId: id, proof: r.proof });
    for (const e of r.entries)
      sites.push({ ...kpiSiteOf(id, parseJson<SiteRecord>(e.value)), proof: r.proof });
  }
  return { platform: svc.opts.platform ?? null, sites, refused };
}

export async function kpiValues(svc: ConsoleService, q: URLSearchParams): Promise<unknown> {
  if (svc.opts.platform === undefined)
    throw new ConsoleError(ConsoleErrorCode.NotFound, 'the console was started without --platform');
  return { limit: CHART_LIMIT, ...(await fetchValues(svc.opts.platform, valuesQuery(q, Date.now()))) };
}

export async function kpiQuality(svc: ConsoleService, q: URLSearchParams): Promise<unknown> {
  if (svc.opts.platform === undefined)
    throw new ConsoleError(ConsoleErrorCode.NotFound, 'the console was started without --platform');
  const now = Date.now();
  const query = valuesQuery(q, now);
  // The assessment names a site by its address; the page picks one by its site ID.
  const address =
    query.site === undefined ? undefined : siteIdText(new Uint8Array(Buffer.from(query.site, 'hex')));
  return fetchQuality(svc.opts.platform, query, now, address);
}

/** Refuses a POST that a page of another site could have made; returns its JSON body. */
export async function postBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const forbid = (m: string): ConsoleError => new ConsoleError(ConsoleErrorCode.Forbidden, m);
  if (req.headers['x-bkdms-console'] !== '1') throw forbid('an action needs the header X-Bkdms-Console: 1');
  if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
    throw forbid('an action is sent as application/json');
  const origin = req.headers.origin;
  if (
    origin !== undefined &&
    origin !== `http://${req.headers.host}` &&
    origin !== `https://${req.headers.host}`
  )
    throw forbid(`an action from another origin (${origin}) is refused`);
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > MAX_BODY) throw new ConsoleError(ConsoleErrorCode.BadRequest, 'the body is too large');
  }
  try {
    const body = JSON.parse(text === '' ? '{}' : text) as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error();
    return body as Record<string, unknown>;
  } catch {
    throw new ConsoleError(ConsoleErrorCode.BadRequest, 'the body is not a JSON object');
  }
}

/** POST /api/action/<what>/<arg>: the console's actions. */
export async function action(
  svc: ConsoleService,
  what: string | undefined,
  arg: string | undefined,
  req: IncomingMessage,
): Promise<unknown> {
  const body = await postBody(req);
  if (what === 'approve') return svc.actions.approve(arg ?? '', body.action);
  if (what === 'propose' && arg === undefined) return svc.actions.propose(body.action);
  if (what === 'ack') {
    const node = Number(body.node);
    if (!Number.isInteger(node)) throw new ConsoleError(ConsoleErrorCode.BadRequest, 'node: a node index');
    return svc.actions.ackAlarm(node, typeof body.id === 'string' ? body.id : '');
  }
  throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such action');
}
