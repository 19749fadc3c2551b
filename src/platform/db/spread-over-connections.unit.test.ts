import { describe, expect, it } from 'vitest';
import type { Queryable } from './database.js';
import { spreadOverConnections } from './spread-over-connections.js';

const connection = (name: string) => ({ name }) as unknown as Queryable;
const nameOf = (c: Queryable) => (c as unknown as { name: string }).name;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('spreadOverConnections', () => {
  it('answers in the tasks’ order, each task on the connection that was free', async () => {
    const ran: string[] = [];
    const task = (id: number, ms: number) => async (c: Queryable) => {
      await pause(ms);
      ran.push(`${id}@${nameOf(c)}`);
      return id;
    };
    const results = await spreadOverConnections([connection('a'), connection('b')], [task(0, 30), task(1, 5), task(2, 5), task(3, 5)]);
    expect(results).toEqual([0, 1, 2, 3]);
    // a is busy with task 0 while b takes 1, 2 and 3 one after another.
    expect(ran).toEqual(['1@b', '2@b', '3@b', '0@a']);
  });

  it('starts no task after a failure, and throws once the running one has ended', async () => {
    const events: string[] = [];
    const failing = async () => {
      await pause(5);
      events.push('failed');
      throw new Error('boom');
    };
    const slow = async () => {
      await pause(30);
      events.push('slow ended');
      return 1;
    };
    const never = async () => {
      events.push('started after the failure');
      return 2;
    };
    await expect(spreadOverConnections([connection('a'), connection('b')], [slow, failing, never])).rejects.toThrow('boom');
    expect(events).toEqual(['failed', 'slow ended']);
  });
});
