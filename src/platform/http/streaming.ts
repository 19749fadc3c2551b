import { Readable } from 'node:stream';

/** What the consumer buffers before it stops asking for more: about one chunk of a download. */
const HIGH_WATER_MARK = 64 * 1024;

/**
 * A byte stream that asks `next` for one chunk at a time, at most one chunk ahead of what its
 * consumer has taken (Node calls read() again only once the buffered data went out): a slow or
 * paused client stops the fetching instead of filling memory, and between chunks nothing (no
 * database connection, no transaction) is held for it. `next` answers null at the end. Once the
 * stream is destroyed (the client went away) `next` is never called again, and `signal` tells a
 * running call to give up.
 */
export function pullStream(next: (signal: AbortSignal) => Promise<string | null>): Readable {
  const cancel = new AbortController();
  // The next chunk is read while the last one is written, so the database and the network work
  // at the same time; never more than one chunk ahead, never two calls of `next` at once.
  let ahead: Promise<string | null> | undefined;
  const fetchNext = () => {
    const fetching = next(cancel.signal);
    fetching.catch(() => undefined); // awaited by the next pull, unless the stream is gone by then
    return fetching;
  };
  // An empty push would end the reading without data, so an empty chunk asks for the next one.
  const pull = async (stream: Readable) => {
    try {
      let chunk: string | null;
      do {
        chunk = await (ahead ?? fetchNext());
        ahead = undefined;
      } while (chunk === '' && !stream.destroyed);
      if (stream.destroyed) return;
      if (chunk !== null) ahead = fetchNext();
      stream.push(chunk);
    } catch (error) {
      stream.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  };
  return new Readable({
    highWaterMark: HIGH_WATER_MARK,
    read() {
      void pull(this);
    },
    destroy(error, callback) {
      cancel.abort();
      callback(error);
    },
  });
}
