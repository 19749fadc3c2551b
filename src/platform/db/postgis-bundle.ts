import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { Extension } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';

/**
 * The PostGIS bundle PGlite loads at every start holds three 16 MB WebAssembly libraries, and PGlite
 * compiles each one each time: postgis, postgis_raster and postgis_topology. Only `postgis` is ever
 * created (migration 0001), so raster and topology are left out of the bundle: an embedded database
 * (a server, every CLI command, every test file) starts with ~1.1 s less CPU. See docs/decisions/0022.
 */
const UNUSED_EXTENSION = /(^|\/)postgis_(raster|topology)[-.]/;
const BLOCK = 512;

const pending = new Map<string, Promise<string>>();

/** PGlite's `postgis` extension, reading the trimmed bundle (the full one if it cannot be written). */
export const corePostgis: Extension = {
  name: 'postgis',
  async setup(pg, emscriptenOpts) {
    const result = await postgis.setup(pg, emscriptenOpts);
    if (!result.bundlePath) return result;
    const full = result.bundlePath instanceof URL ? result.bundlePath : new URL(String(result.bundlePath));
    return { ...result, bundlePath: pathToFileURL(await trimmedBundle(full)) };
  },
};

/** The trimmed bundle's path, written once per machine and installed bundle (its name is a digest of the bundle's path, size and time). */
async function trimmedBundle(full: URL): Promise<string> {
  const key = full.toString();
  let file = pending.get(key);
  if (!file) {
    // Any failure (a read-only temporary directory, an unexpected archive) keeps the full bundle.
    file = writeTrimmedBundle(full).catch(() => fileURLToPath(full));
    pending.set(key, file);
  }
  return file;
}

async function writeTrimmedBundle(full: URL): Promise<string> {
  const source = fileURLToPath(full);
  const { size, mtimeMs } = await stat(source);
  const id = createHash('sha256').update(`${source}\0${size}\0${mtimeMs}`).digest('hex').slice(0, 16);
  const directory = path.join(os.tmpdir(), 'carbon-atlas-pglite');
  const target = path.join(directory, `postgis-core-${id}.tar.gz`);
  if (await stat(target).then((found) => found.size > 0, () => false)) return target;
  const tar = withoutUnusedExtensions(await promisify(gunzip)(await readFile(source)));
  await mkdir(directory, { recursive: true, mode: 0o700 });
  // Written aside, then renamed: processes starting at once never read a half-written bundle.
  const partial = `${target}.${process.pid}.${Date.now()}.partial`;
  await writeFile(partial, await promisify(gzip)(tar, { level: 1 }), { mode: 0o600 });
  await rename(partial, target);
  return target;
}

/** The tar archive without the raster and topology entries (ustar: 512-byte header, data padded to 512). */
export function withoutUnusedExtensions(tar: Buffer): Buffer {
  const kept: Buffer[] = [];
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const name = field(header, 0, 100);
    // Long names and pax headers describe the entry after them; this bundle has none, so refuse rather than misfilter.
    if ('LKxg'.includes(String.fromCharCode(header[156]!))) throw new Error('Unsupported tar entry.');
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const entryLength = BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (!Number.isFinite(size) || offset + entryLength > tar.length) throw new Error('Malformed tar archive.');
    if (!UNUSED_EXTENSION.test(name)) kept.push(tar.subarray(offset, offset + entryLength));
    offset += entryLength;
  }
  kept.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(kept);
}

function field(header: Buffer, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? length : end).toString('utf8');
}
