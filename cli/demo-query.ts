// The demo's look at the platform's query API (docs/platform.md §3.2): the latest value of each
// KPI of one city, read over HTTP exactly as a city application would.
import type { ApiValue } from '../platform/api/queries.js';
import { apiJson } from './platform-query-client.js';
import { formatValues } from './platform-query-format.js';

/** The lines to print: the request, then the table (or why there is none). */
export async function latestThroughApi(apiUrl: string, city: string): Promise<string[]> {
  const path = `v1/latest?city=${encodeURIComponent(city)}`;
  try {
    const r = await apiJson<{ values: ApiValue[] }>({ api: apiUrl }, 'v1/latest', { city });
    return [
      `GET ${apiUrl}/${path}`,
      r.values.length === 0 ? `  no values for ${city}` : formatValues(r.values),
    ];
  } catch (err) {
    return [`GET ${apiUrl}/${path} failed: ${(err as Error).message}`];
  }
}
