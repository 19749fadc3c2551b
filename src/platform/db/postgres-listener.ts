import pg from 'pg';

/** Between attempts to listen again after a lost connection. */
const RECONNECT_MS = [250, 1_000, 5_000];
/**
 * How often the listening connection proves it is alive (a SELECT 1 answered within
 * HEARTBEAT_TIMEOUT_MS): a connection that died silently (a peer gone without a FIN) would
 * otherwise look like one with nothing to say until TCP keep-alive notices, minutes later.
 */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 2_000;

/**
 * LISTEN on `channel` over a dedicated connection (notifications cannot go through a pool),
 * reconnecting for as long as it is not closed. `onState(false)` as soon as the connection is in
 * doubt, `onState(true)` once LISTEN holds again.
 */
export async function listenForNotifications(
  connect: () => pg.Client,
  channel: string,
  onMessage: (payload: string) => void,
  onState: (listening: boolean) => void,
): Promise<() => Promise<void>> {
  let closed = false;
  let client: pg.Client | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  const drop = (lost: pg.Client) => {
    if (client !== lost) return;
    client = undefined;
    clearInterval(heartbeat);
    onState(false);
    lost.removeAllListeners('notification');
    void lost.end().catch(() => undefined);
    if (closed) return;
    // Unref'd: a listener waiting to reconnect must not keep a finished process alive.
    retry = setTimeout(start, RECONNECT_MS[Math.min(failures++, RECONNECT_MS.length - 1)]);
    retry.unref();
  };

  async function start() {
    if (closed) return;
    const candidate = connect();
    client = candidate;
    candidate.on('error', () => drop(candidate));
    candidate.on('end', () => drop(candidate));
    candidate.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onMessage(message.payload);
    });
    try {
      await candidate.connect();
      await candidate.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch {
      drop(candidate);
      return;
    }
    if (client !== candidate || closed) return;
    failures = 0;
    onState(true);
    heartbeat = setInterval(() => {
      const timeout = setTimeout(() => drop(candidate), HEARTBEAT_TIMEOUT_MS);
      candidate.query('SELECT 1').then(
        () => clearTimeout(timeout),
        () => (clearTimeout(timeout), drop(candidate)),
      );
    }, HEARTBEAT_MS);
    heartbeat.unref();
  }

  await start();
  return async () => {
    closed = true;
    clearTimeout(retry);
    clearInterval(heartbeat);
    const last = client;
    client = undefined;
    await last?.end().catch(() => undefined);
  };
}
