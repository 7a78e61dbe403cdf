// One way to read a JSON config file: read, parse, validate with a zod schema, and report every
// problem on its own line by its path ("sources[0].port: expected number"). Each program keeps its
// schema and its own error (node, site and platform each throw their BAD_CONFIG); this file owns
// the reading, the message format and the folder that relative paths inside the file are relative to.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';

/** Builds the caller's typed error from a message (e.g. a domain's BAD_CONFIG). */
export type ConfigErrorFactory = (message: string) => Error;

/** A zod issue path as written in messages and docs: `sources[0].port`, `(root)` for the top. */
function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One line per problem: `  <path>: <message>`. */
export function formatConfigIssues(error: z.ZodError): string {
  return error.issues.map((i) => `  ${pathOf(i.path)}: ${i.message}`).join('\n');
}

/** Validates an already parsed value; `source` names it in the message ("site config"). */
export function parseConfig<S extends z.ZodType>(
  value: unknown,
  schema: S,
  makeError: ConfigErrorFactory,
  source = 'config',
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw makeError(`invalid ${source}:\n${formatConfigIssues(parsed.error)}`);
  return parsed.data;
}

export interface LoadedConfig<T> {
  config: T;
  /** The absolute folder of the file: relative paths inside it are relative to this. */
  dir: string;
}

/** Reads, parses and validates a JSON config file; every failure is `makeError(message)`. */
export function loadJsonConfig<S extends z.ZodType>(
  path: string,
  schema: S,
  makeError: ConfigErrorFactory,
): LoadedConfig<z.output<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw makeError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  return { config: parseConfig(raw, schema, makeError, `config ${path}`), dir: dirname(resolve(path)) };
}

/** A function making a config path absolute: relative ones against `dir`, absolute ones as they are. */
export function resolvePathsAgainst(dir: string): (path: string) => string {
  return (p) => (isAbsolute(p) ? p : resolve(dir, p));
}
