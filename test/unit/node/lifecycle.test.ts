import { describe, expect, it } from 'vitest';
import { Lifecycle, type Service } from '../../../node/lifecycle.js';

function recorder(log: string[], name: string, failStop = false): Service {
  return {
    name,
    start: async () => {
      log.push(`start ${name}`);
    },
    stop: async () => {
      log.push(`stop ${name}`);
      if (failStop) throw new Error(`${name} failed`);
    },
  };
}

describe('Lifecycle', () => {
  it('starts in order and stops in reverse order, once', async () => {
    const log: string[] = [];
    const lc = new Lifecycle([recorder(log, 'a'), recorder(log, 'b'), recorder(log, 'c')]);
    await lc.start();
    await Promise.all([lc.stop(), lc.stop()]);
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('attempts every stop even when one fails, and reports the first failure', async () => {
    const log: string[] = [];
    const lc = new Lifecycle([recorder(log, 'a'), recorder(log, 'b', true)]);
    await lc.start();
    await expect(lc.stop()).rejects.toThrow('b failed');
    expect(log).toContain('stop a');
  });

  it('stops only what started when a start fails', async () => {
    const log: string[] = [];
    const bad: Service = {
      name: 'bad',
      start: async () => Promise.reject(new Error('no port')),
      stop: async () => {},
    };
    const lc = new Lifecycle([recorder(log, 'a'), bad, recorder(log, 'c')]);
    await expect(lc.start()).rejects.toThrow('no port');
    await lc.stop();
    expect(log).toEqual(['start a', 'stop a']);
  });
});
