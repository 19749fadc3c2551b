import { Readable } from 'node:stream';

/** What the consumer buffers before it stops asking for more: about one chunk of a download. */
const HIGH_WATER_MARK = 64 * 1024;

/**
 * A byte stream that asks `next` for one chunk at a time, and only when its consumer wants more
 * (Node calls read() again only after the previous chunk was taken): a slow or paused client stops
 * the fetching instead of filling memory, and between chunks nothing (no database connection, no
 * transaction) is held for it. `next` answers null at the end. Once the stream is destroyed (the
 * client went away) `next` is never called again, and `signal` tells a running call to give up.
 */
export function pullStream(next: (signal: AbortSignal) => Promise<string | null>): Readable {
  const cancel = new AbortController();
  // An empty push would end the reading without data, so an empty chunk asks for the next one.
  const pull = async (stream: Readable) => {
    try {
      let chunk: string | null;
      do chunk = await next(cancel.signal);
      while (chunk === '' && !stream.destroyed);
      if (!stream.destroyed) stream.push(chunk);
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
