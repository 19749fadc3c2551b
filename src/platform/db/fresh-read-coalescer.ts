interface KeyState<T> {
  current: Promise<T>;
  queued?: Promise<T>;
}

function settled(promise: Promise<unknown>): Promise<void> {
  return promise.then(
    () => undefined,
    () => undefined,
  );
}

/**
 * Shares reads of one key between concurrent callers without ever answering a caller with a value
 * read before it asked: whoever arrives while a read is in flight joins the next read, which starts
 * as soon as the current one ends. Under load one query serves a whole wave of requests; a lone
 * caller waits for nothing.
 */
export class FreshReadCoalescer<T> {
  private readonly states = new Map<string, KeyState<T>>();

  read(key: string, load: () => Promise<T>): Promise<T> {
    const state = this.states.get(key);
    if (!state) return this.start(key, load);
    state.queued ??= settled(state.current).then(() => this.start(key, load));
    return state.queued;
  }

  private start(key: string, load: () => Promise<T>): Promise<T> {
    const state: KeyState<T> = { current: load() };
    this.states.set(key, state);
    void settled(state.current).then(() => {
      if (this.states.get(key) === state && !state.queued) this.states.delete(key);
    });
    return state.current;
  }
}
