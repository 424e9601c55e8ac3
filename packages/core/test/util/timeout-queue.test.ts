import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { TimeoutQueue } from '../../src/util/timeout-queue';

describe('TimeoutQueue', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('fires each timeout once, in order, after its length', () => {
    const queue = new TimeoutQueue(100);
    const fired: string[] = [];
    queue.add(() => fired.push('a'));
    jest.advanceTimersByTime(40);
    queue.add(() => fired.push('b'));
    const c = queue.add(() => fired.push('c'));
    c.cancel();
    jest.advanceTimersByTime(59);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual(['a']);
    jest.advanceTimersByTime(40);
    expect(fired).toEqual(['a', 'b']);
    expect(c.pending).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a timeout that adds the next one from its callback (a renewal loop) keeps one timer, not one more per turn', () => {
    // The lease renewal of a long delivery re-adds itself when it fires.
    const queue = new TimeoutQueue(10, false);
    let renewals = 0;
    const renew = () => {
      renewals++;
      queue.add(renew);
    };
    queue.add(renew);
    jest.advanceTimersByTime(1_000);
    expect(jest.getTimerCount()).toBe(1);
    expect(renewals).toBe(100);
  });

  test('a callback that throws does not strand the timeouts behind it', () => {
    const queue = new TimeoutQueue(10);
    const fired: string[] = [];
    queue.add(() => {
      throw new Error('boom');
    });
    queue.add(() => fired.push('after'));
    expect(() => jest.advanceTimersByTime(10)).toThrow('boom');
    jest.advanceTimersByTime(10);
    expect(fired).toEqual(['after']);
  });
});
