import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Where `npm run build` writes the console; the server serves it from there by default. */
export const BUILT_CONSOLE = path.resolve('dist/console');

function newestFile(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestFile(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(path.join(BUILT_CONSOLE, 'index.html')).mtimeMs;
  } catch {
    return 0;
  }
}

/** Builds the console once per test run when its sources are newer than the build (CI's `npm ci` has just built it). */
export function ensureBuiltConsole() {
  const sources = Math.max(newestFile(path.resolve('console/src')), statSync(path.resolve('console/index.html')).mtimeMs, statSync(path.resolve('console/vite.config.ts')).mtimeMs);
  if (builtAt() >= sources) return;
  execFileSync(process.execPath, [path.resolve('node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
}
