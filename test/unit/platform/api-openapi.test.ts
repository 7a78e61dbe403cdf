// platform/api/openapi.json describes exactly the query API the server has: every route with its
// query parameters is in the file, and the file names no route or parameter the server lacks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../platform/api/routes.js';

interface Param {
  name: string;
  in: string;
}
const spec = JSON.parse(
  readFileSync(new URL('../../../platform/api/openapi.json', import.meta.url), 'utf8'),
) as {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: Param[]; responses: Record<string, unknown> }>>;
};

describe('openapi.json', () => {
  it('has every route of the server and no other', () => {
    expect(Object.keys(spec.paths).sort()).toEqual(ROUTES.map((r) => r.path).sort());
  });

  it.each(ROUTES.map((r) => [r.path, r] as const))(
    '%s: GET only, the same query parameters, 200 and 400 documented',
    (path, route) => {
      const ops = spec.paths[path] ?? {};
      expect(Object.keys(ops)).toEqual(['get']);
      const get = ops.get!;
      const query = (get.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect(query.sort()).toEqual([...route.params].sort());
      const inPath = (get.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(inPath).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
      expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['200', '400']));
    },
  );

  it('every route answers its own template (a path parameter filled in)', () => {
    for (const r of ROUTES) expect(r.match(r.path.replace(/\{\w+\}/g, 'x'))).toBeDefined();
  });
});
