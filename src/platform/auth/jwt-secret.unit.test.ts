import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveJwtSecret } from './jwt-secret.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('JWT secret', () => {
  it('uses JWT_SECRET when configured', async () => {
    const secret = await resolveJwtSecret('x'.repeat(40), '/nonexistent');
    expect(new TextDecoder().decode(secret)).toBe('x'.repeat(40));
  });

  it('otherwise generates one into DATA_DIR, readable only by its owner, and keeps it across restarts', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-secret-'));
    dirs.push(dir);
    const [first, concurrent] = await Promise.all([resolveJwtSecret(undefined, dir), resolveJwtSecret(undefined, dir)]);
    const again = await resolveJwtSecret(undefined, dir);
    expect(first.length).toBeGreaterThanOrEqual(48);
    expect(again).toEqual(first);
    expect(concurrent).toEqual(first);
    expect((await stat(path.join(dir, 'jwt-secret'))).mode & 0o777).toBe(0o600);
    expect((await readFile(path.join(dir, 'jwt-secret'), 'utf8')).trim().length).toBe(64);
  });
});
