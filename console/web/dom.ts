// A very small view helper: elements built from data with text nodes only (never innerHTML), so
// nothing a node or a block says can inject markup into the page.
import { sparkPoints } from './series.js';

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | undefined | ((ev: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export function table(head: string[], rows: Child[][], attrs: Attrs = {}): HTMLTableElement {
  return h(
    'table',
    attrs,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((t) => h('th', {}, t)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((c) => h('td', {}, c)),
        ),
      ),
    ),
  );
}

export const short = (hex: string | undefined, n = 12): string =>
  hex === undefined ? '—' : `${hex.slice(0, n)}…`;

export function ago(t: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - t) / 1000));
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

export const bytes = (n: number): string =>
  n >= 1 << 30
    ? `${(n / (1 << 30)).toFixed(1)} GiB`
    : n >= 1 << 20
      ? `${(n / (1 << 20)).toFixed(1)} MiB`
      : `${Math.round(n / 1024)} KiB`;

export function card(label: string, value: Child, attrs: Attrs = {}): HTMLElement {
  return h(
    'div',
    { class: 'card', ...attrs },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value),
  );
}

export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

export function errorBox(text: string): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, text);
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = (await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }))) as T & {
    error?: string;
  };
  if (!res.ok) throw new Error(body.error ?? `${res.status}`);
  return body;
}

/** One of the console's actions: a JSON POST with the header the backend requires of them. */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Bkdms-Console': '1', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const out = (await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }))) as T & {
    error?: string;
  };
  if (!res.ok) throw new Error(out.error ?? `${res.status}`);
  return out;
}

const SVG = 'http://www.w3.org/2000/svg';

/** A small line chart of `values` (oldest left), with its newest value as text beside it. */
export function sparkline(values: readonly number[], label: string, cls = 'spark'): HTMLElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', '90');
  svg.setAttribute('height', '20');
  svg.setAttribute('viewBox', '0 0 90 20');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', sparkPoints(values, 90, 20));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', 'currentColor');
  line.setAttribute('stroke-width', '1.5');
  svg.append(line);
  return h('span', { class: cls, title: label }, svg);
}
