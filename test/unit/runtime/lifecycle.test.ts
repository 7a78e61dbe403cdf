import { describe, expect, it } from 'vitest';
import { Lifecycle, runUntilSignal, type Service } from '../../../runtime/lifecycle.js';

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

describe('runUntilSignal', () => {
  const listeners = () => process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');

  it('stops on SIGTERM and resolves once the stop has finished, leaving no handler behind', async () => {
    const before = listeners();
    const log: string[] = [];
    const ran = runUntilSignal({
      stop: async () => {
        log.push('stopped');
      },
      done: new Promise(() => undefined),
    });
    expect(listeners()).toBe(before + 2);
    process.emit('SIGTERM');
    await ran;
    expect(log).toEqual(['stopped']);
    expect(listeners()).toBe(before);
  });

  it('a failed stop fails the run', async () => {
    const ran = runUntilSignal({ stop: async () => Promise.reject(new Error('close failed')) });
    process.emit('SIGINT');
    await expect(ran).rejects.toThrow('close failed');
  });

  it('ends with what ran when it ends by itself, without stopping it', async () => {
    const before = listeners();
    let stops = 0;
    const stop = async () => {
      stops++;
    };
    await runUntilSignal({ stop, done: Promise.resolve() });
    await expect(runUntilSignal({ stop, done: Promise.reject(new Error('fatal')) })).rejects.toThrow('fatal');
    expect(stops).toBe(0);
    expect(listeners()).toBe(before);
  });

  it('the lifecycle stops on a signal through the same path', async () => {
    const log: string[] = [];
    const lc = new Lifecycle([recorder(log, 'a'), recorder(log, 'b')]);
    await lc.start();
    const stopped = new Promise<unknown>((resolve) => lc.stopOnSignals(resolve));
    process.emit('SIGINT');
    expect(await stopped).toBeUndefined();
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });
});
