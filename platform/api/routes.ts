// The query API's endpoints: each turns checked parameters into one bounded query and a JSON (or
// CSV) answer. ROUTES is the one list the server dispatches on and the OpenAPI test compares with
// openapi.json, so an endpoint cannot exist without being documented.
import type { ServerResponse } from 'node:http';
import type { QualityReport } from '../assess.js';
import type { PlatformStore } from '../store.js';
import type { TraceEvidence } from '../trace.js';
import { writeCsv } from './csv.js';
import * as p from './params.js';
import { aggregates, latest, valuesPage } from './queries.js';

export interface ApiDeps {
  store: PlatformStore;
  /** The platform's assessment over [from, to), of one city's and/or KPI's series when given. */
  assess(q: { from?: number; to?: number; city?: string; kpi?: number }): Promise<QualityReport>;
  /** The verified chain of evidence of a stored packet (nodes asked); absent: the stored part only. */
  trace?(tracingCode: string): Promise<TraceEvidence>;
}

export type Answer = { status: number; body: unknown } | { stream: (res: ServerResponse) => Promise<void> };

export interface Route {
  /** OpenAPI path template. */
  path: string;
  /** Query parameters it accepts; any other is refused (400) before the handler runs. */
  params: readonly string[];
  match(pathname: string): string[] | undefined;
  handle(q: URLSearchParams, deps: ApiDeps, args: string[]): Promise<Answer>;
}

const exact =
  (path: string) =>
  (pathname: string): string[] | undefined =>
    pathname === path ? [] : undefined;

const ok = (body: unknown): Answer => ({ status: 200, body });

const VALUE_PARAMS = ['city', 'site', 'kpi', 'from', 'to'];

function valueFilter(q: URLSearchParams): p.TimeRange & { city?: string; site?: string; kpi?: number } {
  return { city: p.city(q), site: p.site(q), kpi: p.kpi(q), ...p.range(q) };
}

export const ROUTES: Route[] = [
  {
    path: '/v1/values',
    params: [...VALUE_PARAMS, 'limit', 'cursor'],
    match: exact('/v1/values'),
    async handle(q, deps) {
      const f = valueFilter(q);
      const limit = p.integer(q, 'limit', 1, p.MAX_LIMIT) ?? p.DEFAULT_LIMIT;
      const page = await valuesPage(deps.store.db, f, limit, p.cursor(q));
      return ok({ values: page.values, next: page.next ? p.encodeCursor(page.next) : null });
    },
  },
  {
    path: '/v1/values.csv',
    params: [...VALUE_PARAMS, 'limit'],
    match: exact('/v1/values.csv'),
    async handle(q, deps) {
      const f = valueFilter(q);
      const limit = p.integer(q, 'limit', 1, p.MAX_CSV_ROWS) ?? p.MAX_CSV_ROWS;
      return { stream: (res) => writeCsv(res, deps.store.db, f, limit) };
    },
  },
  {
    path: '/v1/aggregates',
    params: [...VALUE_PARAMS, 'period'],
    match: exact('/v1/aggregates'),
    async handle(q, deps) {
      const period = p.period(q);
      return ok({ period, ...(await aggregates(deps.store.db, valueFilter(q), period)) });
    },
  },
  {
    path: '/v1/latest',
    params: ['city'],
    match: exact('/v1/latest'),
    async handle(q, deps) {
      const city = p.required(p.city(q), 'city');
      return ok({ city, values: await latest(deps.store.db, city) });
    },
  },
  {
    path: '/v1/assessment',
    params: ['city', 'kpi', 'from', 'to'],
    match: exact('/v1/assessment'),
    async handle(q, deps) {
      return ok(await deps.assess({ city: p.city(q), kpi: p.kpi(q), ...p.range(q) }));
    },
  },
  {
    path: '/v1/trace/{tracingCode}',
    params: [],
    match: (pathname) => {
      const m = /^\/v1\/trace\/([^/]*)$/.exec(pathname);
      return m ? [m[1] ?? ''] : undefined;
    },
    async handle(_q, deps, [code = '']) {
      if (!/^[0-9a-fA-F]{64}$/.test(code))
        throw new p.ApiInputError('tracingCode', 'tracingCode must be 64 hex digits');
      const tc = code.toLowerCase();
      const packet = await deps.store.packet(tc);
      if (!packet) return { status: 404, body: { error: `no stored packet has tracing code ${tc}` } };
      const evidence = deps.trace ? await deps.trace(tc) : null;
      return ok({
        tracingCode: tc,
        meta: packet.meta,
        storageRecord: Buffer.from(packet.storage).toString('hex'),
        outcome: packet.outcome,
        evidence,
      });
    },
  },
];
