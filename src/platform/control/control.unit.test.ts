import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlSocketPath, parseRequest, startControlServer, type ControlHandler, type ControlServer } from './control-server.js';
import { runThroughServer } from './control-client.js';

let dataDir: string;
let server: ControlServer;
let handler: ControlHandler = async () => 0;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-control-'));
  const started = await startControlServer(dataDir, (request, terminal) => handler(request, terminal), () => undefined);
  server = started!;
});
afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function caller(stdin: Readable = Readable.from([])) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  return { streams: { stdout, stderr, stdin }, output: () => ({ out, err }) };
}

describe('the CLI control socket', () => {
  it('is reachable by its owner only: directory 0700, socket 0600', async () => {
    expect((await stat(path.dirname(controlSocketPath(dataDir)))).mode & 0o777).toBe(0o700);
    expect((await stat(controlSocketPath(dataDir))).mode & 0o777).toBe(0o600);
  });

  it('runs a command line and hands back its output and exit code', async () => {
    handler = async (request, terminal) => {
      terminal.write('out', `args: ${request.argv.join(' ')}\n`);
      terminal.write('err', `password: ${request.env.CARBON_ATLAS_PASSWORD}\n`);
      return 3;
    };
    const { streams, output } = caller();
    const code = await runThroughServer(dataDir, ['org', 'list', '--json'], streams, { CARBON_ATLAS_PASSWORD: 'secret-pass', HOME: '/root' });
    expect(code).toBe(3);
    expect(output()).toEqual({ out: 'args: org list --json\n', err: 'password: secret-pass\n' });
  });

  it('streams a file named on the command line from the caller, intact, and the caller standard input', async () => {
    const file = path.join(dataDir, 'big.bin');
    const content = randomBytes(3 * 1024 * 1024 + 17);
    await writeFile(file, content);
    handler = async (request, terminal) => {
      const { size, stream } = await terminal.openFile(request.argv[1]!);
      const hash = createHash('sha256');
      for await (const chunk of stream) hash.update(chunk as Buffer);
      terminal.write('out', `${size} ${hash.digest('hex')}\n`);
      terminal.write('out', `stdin: ${await terminal.readStdin(1024)}\n`);
      return 0;
    };
    const { streams, output } = caller(Readable.from([Buffer.from('pass-word')]));
    expect(await runThroughServer(dataDir, ['import', file], streams, {})).toBe(0);
    expect(output().out).toBe(`${content.length} ${createHash('sha256').update(content).digest('hex')}\nstdin: pass-word\n`);
  });

  it('refuses to read a file the caller did not name, and says when a named one is missing', async () => {
    handler = async (_request, terminal) => {
      const refused = await terminal.openFile('/etc/passwd').then(() => 'opened', (error: Error) => error.message);
      const missing = await terminal.openFile('nope.csv').then(() => 'opened', (error: Error) => error.message);
      terminal.write('err', `${refused}\n${missing}\n`);
      return 1;
    };
    const { streams, output } = caller();
    expect(await runThroughServer(dataDir, ['import', 'nope.csv'], streams, {})).toBe(1);
    expect(output().err).toBe('The server asked for a file not named on the command line.\nFile not found: nope.csv\n');
  });

  it('drops a connection announcing an oversized frame, and keeps serving others', async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(controlSocketPath(dataDir), () => {
        const head = Buffer.alloc(4);
        head.writeUInt32BE(64 * 1024 * 1024);
        socket.write(head);
      });
      socket.on('close', () => resolve(true));
      socket.on('error', () => undefined);
    });
    expect(closed).toBe(true);
    handler = async () => 0;
    expect(await runThroughServer(dataDir, ['org', 'list'], caller().streams, {})).toBe(0);
  });

  it('accepts only a list of words, never a shell string, and passes no other variable', () => {
    expect(() => parseRequest({ t: 'run', argv: 'rm -rf /' })).toThrow('Not a command request');
    expect(() => parseRequest({ t: 'run', argv: [1, 2] })).toThrow('Not a command request');
    expect(parseRequest({ t: 'run', argv: ['seed'], env: { CARBON_ATLAS_PASSWORD: 'x', PATH: '/bin' } }).env).toEqual({ CARBON_ATLAS_PASSWORD: 'x' });
  });

  it('tells the caller when no server listens (no socket)', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-control-none-'));
    try {
      expect(await runThroughServer(empty, ['org', 'list'], caller().streams, {})).toBeUndefined();
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
