import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { FORWARDED_ENV, controlSocketPath } from './control-server.js';
import { FrameSocket, type Frame } from './frames.js';

export interface CallerStreams {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
}

/** A file the caller may be asked for: it must have been named on its own command line. */
async function describeFile(file: string): Promise<{ size: number } | { problem: string }> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return { problem: `${file} is not a file.` };
    return { size: info.size };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: `File not found: ${file}` };
    if (code === 'EACCES') return { problem: `Permission denied reading ${file}` };
    return { problem: `Cannot read ${file}: ${(error as Error).message}` };
  }
}

/**
 * Runs the command line `argv` in the server that holds DATA_DIR, through its control socket:
 * its output is written here as it comes, files it reads are read here and streamed over.
 * Resolves to the command's exit code, or undefined when no server listens there.
 */
export function runThroughServer(dataDir: string, argv: string[], streams: CallerStreams, env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect(controlSocketPath(dataDir));
    let connected = false;
    let exitCode: number | undefined;
    const channel = new FrameSocket(socket);
    const readers = new Map<number, AsyncIterator<Buffer>>();
    const namedFiles = new Set(argv);
    socket.once('connect', () => {
      connected = true;
      const passed = Object.fromEntries(FORWARDED_ENV.filter((name) => env[name] !== undefined).map((name) => [name, env[name]!]));
      channel.send({ t: 'run', argv, env: passed, stderrIsTTY: streams.stderr.isTTY === true });
    });
    const open = async (id: number, file: unknown) => {
      if (file === null) {
        if (streams.stdin.isTTY) {
          channel.send({ t: 'opened', id, size: 0 });
          readers.set(id, (async function* () {})());
        } else {
          channel.send({ t: 'opened', id, size: 0 });
          readers.set(id, streams.stdin[Symbol.asyncIterator]());
        }
        return;
      }
      if (typeof file !== 'string' || !namedFiles.has(file)) return channel.send({ t: 'failed', id, message: 'The server asked for a file not named on the command line.' });
      const found = await describeFile(path.resolve(file));
      if ('problem' in found) return channel.send({ t: 'failed', id, message: found.problem.replace(path.resolve(file), file) });
      readers.set(id, createReadStream(path.resolve(file), { highWaterMark: 64 * 1024 })[Symbol.asyncIterator]());
      channel.send({ t: 'opened', id, size: found.size });
    };
    const pull = async (id: number) => {
      const reader = readers.get(id);
      if (!reader) return channel.send({ t: 'failed', id, message: 'No such stream.' });
      try {
        const { value, done } = await reader.next();
        if (done) {
          readers.delete(id);
          channel.send({ t: 'end', id });
        } else channel.send({ t: 'data', id, data: Buffer.from(value).toString('base64') });
      } catch (error) {
        readers.delete(id);
        channel.send({ t: 'failed', id, message: (error as Error).message });
      }
    };
    channel.on('frame', (frame: Frame) => {
      if (frame.t === 'out' && typeof frame.data === 'string') streams.stdout.write(frame.data);
      else if (frame.t === 'err' && typeof frame.data === 'string') streams.stderr.write(frame.data);
      else if (frame.t === 'open') void open(Number(frame.id), frame.path);
      else if (frame.t === 'pull') void pull(Number(frame.id));
      else if (frame.t === 'exit') exitCode = Number.isInteger(frame.code) ? (frame.code as number) : 1;
    });
    channel.on('close', (error) => {
      if (!connected) {
        const code = (error as NodeJS.ErrnoException | undefined)?.code;
        // No socket, or a dead server's: the lock holder is not a server that takes commands.
        if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK') return resolve(undefined);
        return reject(error ?? new Error('The server closed its control socket.'));
      }
      if (exitCode === undefined) return reject(new Error('The server stopped before the command finished; it may or may not have taken effect.'));
      resolve(exitCode);
    });
  });
}
