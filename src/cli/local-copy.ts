import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Terminal } from './context.js';

/**
 * Runs `work` on a private temporary copy of the caller's `file` (read through the terminal, so also
 * beside a server), for importers that need a path of their own: GDAL and the COG converter open files,
 * not streams. The copy is named `name` (GDAL tells formats apart by the extension) and is removed after.
 */
export async function withLocalCopy<T>(terminal: Terminal, file: string, copy: { prefix: string; name: string }, work: (copyPath: string) => Promise<T>): Promise<T> {
  const input = await terminal.openFile(file);
  const directory = await mkdtemp(path.join(os.tmpdir(), copy.prefix));
  try {
    const copyPath = path.join(directory, copy.name);
    await pipeline(input.stream, createWriteStream(copyPath, { mode: 0o600 }));
    return await work(copyPath);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
