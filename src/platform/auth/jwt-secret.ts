import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * JWT_SECRET from the environment, or one generated once and kept in DATA_DIR (mode 0600) so that
 * tokens survive restarts. Several hosts sharing one PostgreSQL must set JWT_SECRET explicitly.
 */
export async function resolveJwtSecret(configured: string | undefined, dataDir: string): Promise<Uint8Array> {
  if (configured) return new TextEncoder().encode(configured);
  const file = path.join(dataDir, 'jwt-secret');
  await mkdir(dataDir, { recursive: true });
  // Written whole under a private name, then linked into place: a concurrent starter either wins
  // the link or reads the complete winner, never a half-written file.
  const candidate = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(candidate, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  try {
    await link(candidate, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(candidate, { force: true });
  }
  const secret = (await readFile(file, 'utf8')).trim();
  return new TextEncoder().encode(secret);
}
