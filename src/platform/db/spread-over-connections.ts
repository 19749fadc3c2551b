import type { Queryable } from './database.js';

/**
 * Runs `tasks` on `connections` (a snapshot's and its forks), each connection taking the next task
 * as it finishes one, and answers their results in the tasks' order. Every loop ends before this
 * does: after a failure no connection starts another task, and the error is thrown once the other
 * connections' statements are done (so none is left running when the snapshot ends).
 */
export async function spreadOverConnections<T>(connections: Queryable[], tasks: ((connection: Queryable) => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  let failed = false;
  const settled = await Promise.allSettled(connections.map(async (connection) => {
    for (let at = next++; !failed && at < tasks.length; at = next++) {
      try {
        results[at] = await tasks[at]!(connection);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}
