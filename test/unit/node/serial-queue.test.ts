import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../../../node/serial-queue.js';

describe('SerialQueue', () => {
  it('runs jobs one at a time in order, even when they await', async () => {
    const errors: unknown[] = [];
    const q = new SerialQueue(10, (e) => errors.push(e));
    const log: string[] = [];
    const job = (name: string) => async () => {
      log.push(`start ${name}`);
      await Promise.resolve();
      log.push(`end ${name}`);
    };
    q.push(job('a'));
    q.push(() => {
      throw new Error('boom');
    });
    q.push(job('b'));
    await q.idle();
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
    expect(errors).toHaveLength(1);
  });

  it('drops jobs beyond its bound', async () => {
    const q = new SerialQueue(2, () => undefined);
    const ran: number[] = [];
    expect(q.push(() => ran.push(1))).toBe(true);
    expect(q.push(() => ran.push(2))).toBe(true);
    expect(q.push(() => ran.push(3))).toBe(false);
    await q.idle();
    expect(ran).toEqual([1, 2]);
    expect(q.length).toBe(0);
  });
});
