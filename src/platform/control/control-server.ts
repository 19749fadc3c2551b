import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { FrameSocket, type Frame } from './frames.js';

/** What a CLI asks the server to run: the words of its command line, never a shell string. */
export interface ControlRequest {
  argv: string[];
  /** Only the variables a command reads from the caller (CARBON_ATLAS_PASSWORD). */
  env: Record<string, string>;
  stderrIsTTY: boolean;
}

/** The caller's terminal, as seen from the server: output goes back, input is pulled from it. */
export interface RemoteTerminal {
  write(stream: 'out' | 'err', text: string): void;
  /** A file on the caller's machine, read by the caller (same user) and streamed here chunk by chunk. */
  openFile(file: string): Promise<{ size: number; stream: Readable }>;
  /** The caller's standard input; '' when it is a terminal. */
  readStdin(maxBytes: number): Promise<string>;
}

export type ControlHandler = (request: ControlRequest, terminal: RemoteTerminal) => Promise<number>;

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

/** Passed over the socket from the caller's environment; nothing else is. */
export const FORWARDED_ENV = ['CARBON_ATLAS_PASSWORD'] as const;
const MAX_ARGS = 256;
const MAX_ARG_LENGTH = 8192;
const MAX_CONNECTIONS = 8;
/** The request must arrive this soon after connecting. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Linux's sun_path holds 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH = 107;

/** The socket sits in a directory of its own under DATA_DIR, readable by its owner only. */
export function controlSocketPath(dataDir: string): string {
  return path.join(dataDir, 'control', 'cli.sock');
}

export class ControlRequestError extends Error {
  override name = 'ControlRequestError';
}

export function parseRequest(frame: Frame): ControlRequest {
  const { argv, env, stderrIsTTY } = frame;
  if (frame.t !== 'run' || !Array.isArray(argv) || argv.length > MAX_ARGS || !argv.every((a) => typeof a === 'string' && a.length <= MAX_ARG_LENGTH)) {
    throw new ControlRequestError('Not a command request.');
  }
  const passed: Record<string, string> = {};
  for (const name of FORWARDED_ENV) {
    const value = (env as Record<string, unknown> | undefined)?.[name];
    if (typeof value === 'string' && value.length <= MAX_ARG_LENGTH) passed[name] = value;
  }
  return { argv: argv as string[], env: passed, stderrIsTTY: stderrIsTTY === true };
}

/** Streams pulled from the caller, one chunk per request, so a large file never piles up in memory. */
function remoteTerminal(channel: FrameSocket): RemoteTerminal & { settle(frame: Frame): void; abort(error: Error): void } {
  let next = 0;
  const opening = new Map<number, { resolve: (size: number) => void; reject: (error: Error) => void }>();
  const streams = new Map<number, Readable>();
  const open = (file: string | null) =>
    new Promise<{ size: number; stream: Readable }>((resolve, reject) => {
      const id = ++next;
      opening.set(id, {
        resolve: (size) => {
          const stream = new Readable({ read: () => channel.send({ t: 'pull', id }), destroy: (error, done) => (streams.delete(id), done(error)) });
          streams.set(id, stream);
          resolve({ size, stream });
        },
        reject,
      });
      channel.send({ t: 'open', id, path: file });
    });
  return {
    write: (stream, text) => channel.send({ t: stream, data: text }),
    openFile: (file) => open(file),
    async readStdin(maxBytes) {
      const { stream } = await open(null);
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of stream) {
        total += (chunk as Buffer).length;
        if (total > maxBytes) {
          stream.destroy();
          throw new ControlRequestError(`Standard input is over ${maxBytes} bytes.`);
        }
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    settle(frame) {
      const id = Number(frame.id);
      if (frame.t === 'opened') {
        opening.get(id)?.resolve(Number(frame.size) || 0);
        opening.delete(id);
      } else if (frame.t === 'failed') {
        const error = new Error(String(frame.message));
        opening.get(id)?.reject(error);
        opening.delete(id);
        streams.get(id)?.destroy(error);
      } else if (frame.t === 'data' && typeof frame.data === 'string') streams.get(id)?.push(Buffer.from(frame.data, 'base64'));
      else if (frame.t === 'end') streams.get(id)?.push(null);
    },
    abort(error) {
      for (const pending of opening.values()) pending.reject(error);
      opening.clear();
      for (const stream of streams.values()) stream.destroy(error);
    },
  };
}

function serveConnection(socket: Socket, handler: ControlHandler, onError: (error: unknown) => void) {
  const channel = new FrameSocket(socket);
  const terminal = remoteTerminal(channel);
  let started = false;
  const timer = setTimeout(() => socket.destroy(), REQUEST_TIMEOUT_MS);
  channel.on('close', () => terminal.abort(new Error('The command line that asked went away.')));
  channel.on('frame', (frame) => {
    if (started) return terminal.settle(frame);
    started = true;
    clearTimeout(timer);
    let request: ControlRequest;
    try {
      request = parseRequest(frame);
    } catch {
      socket.destroy();
      return;
    }
    handler(request, terminal).then(
      (code) => {
        channel.send({ t: 'exit', code });
        channel.end();
      },
      (error: unknown) => {
        onError(error);
        channel.send({ t: 'err', data: 'The server could not run the command.\n' });
        channel.send({ t: 'exit', code: 1 });
        channel.end();
      },
    );
  });
}

/**
 * The local control socket a CLI uses while this server holds the embedded database (see
 * docs/decisions/0015). Only the same OS user can connect: the directory is 0700 and the socket
 * 0600. A request is a command line run by `handler` with the server's own database; there is no
 * shell and no other verb.
 */
export async function startControlServer(dataDir: string, handler: ControlHandler, onError: (error: unknown) => void): Promise<ControlServer | undefined> {
  const socketPath = controlSocketPath(dataDir);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) return undefined;
  const directory = path.dirname(socketPath);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await chmod(directory, 0o700);
  // This process holds the data-directory lock, so a socket file here is a dead server's.
  await rm(socketPath, { force: true });
  const server = createServer((socket) => serveConnection(socket, handler, onError));
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(socketPath, 0o600);
  return {
    path: socketPath,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}
