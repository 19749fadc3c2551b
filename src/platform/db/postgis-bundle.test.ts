import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { withoutUnusedExtensions } from './postgis-bundle.js';

const BUNDLE = fileURLToPath(new URL('../../../node_modules/@electric-sql/pglite-postgis/dist/postgis.tar.gz', import.meta.url));

function listing(tarFile: string): string[] {
  return execFileSync('tar', ['-tf', tarFile], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }).trim().split('\n');
}

describe('the trimmed PostGIS bundle', () => {
  it('keeps every entry of the shipped bundle except the raster and topology extensions, byte for byte', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'postgis-bundle-test-'));
    try {
      const full = path.join(directory, 'full.tar');
      const trimmed = path.join(directory, 'trimmed.tar');
      await writeFile(full, gunzipSync(await readFile(BUNDLE)));
      await writeFile(trimmed, withoutUnusedExtensions(await readFile(full)));
      const before = listing(full);
      const after = listing(trimmed);
      expect(before.some((name) => name.includes('postgis_raster-3.so'))).toBe(true);
      expect(after.filter((name) => /postgis_(raster|topology)/.test(name))).toEqual([]);
      expect(after).toEqual(before.filter((name) => !/postgis_(raster|topology)/.test(name)));
      expect(after).toContain('lib/postgresql/postgis-3.so');
      expect(after).toContain('share/postgresql/extension/postgis.control');
      const extracted = path.join(directory, 'out');
      execFileSync('mkdir', [extracted]);
      execFileSync('tar', ['-xf', trimmed, '-C', extracted, 'lib/postgresql/postgis-3.so']);
      execFileSync('tar', ['-xf', full, '-C', directory, 'lib/postgresql/postgis-3.so']);
      expect((await readFile(path.join(extracted, 'lib/postgresql/postgis-3.so'))).equals(await readFile(path.join(directory, 'lib/postgresql/postgis-3.so')))).toBe(true);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('refuses an archive cut short rather than guess', () => {
    const header = Buffer.alloc(512);
    header.write('share/postgresql/extension/postgis.control', 0);
    header.write('00000010000\0', 124);
    expect(() => withoutUnusedExtensions(header)).toThrow(/Malformed/);
  });
});
