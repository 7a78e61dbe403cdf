// Active alarms and the bounded history, persisted across restarts in one small JSON file of the
// data folder (alarms.json), written atomically: a temporary file beside it, fsync, rename. A file
// that cannot be read or parsed is set aside (alarms.json.bad) and the node starts with none:
// losing alarm history must never keep a node from starting.
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { AlarmState } from './engine.js';
import { type Alarm, RULES } from './types.js';

export const alarmsFile = (dataDir: string): string => join(dataDir, 'alarms.json');

const isAlarm = (a: unknown): a is Alarm =>
  typeof a === 'object' &&
  a !== null &&
  typeof (a as Alarm).id === 'string' &&
  RULES.includes((a as Alarm).rule) &&
  typeof (a as Alarm).raisedAt === 'number';

/** The persisted state; empty when there is none, or when the file is damaged (then set aside). */
export async function loadAlarmState(path: string): Promise<AlarmState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { active: [], history: [] };
  }
  try {
    const o = JSON.parse(text) as { active?: unknown; history?: unknown };
    const list = (x: unknown): Alarm[] => (Array.isArray(x) ? x.filter(isAlarm) : []);
    return { active: list(o.active), history: list(o.history) };
  } catch {
    await rename(path, `${path}.bad`).catch(() => undefined);
    return { active: [], history: [] };
  }
}

export async function saveAlarmState(path: string, state: AlarmState): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(`${JSON.stringify(state)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
