import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The built CLI that tests spawn: the same file `npm run demo` runs, without a TypeScript loader per child. */
export const BUILT_CLI = path.resolve('dist/cli/main.js');

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(BUILT_CLI).mtimeMs;
  } catch {
    return 0;
  }
}

/** Builds once per test run when a source file is newer than the build (CI's `npm ci` has just built it). */
export function ensureBuiltCli() {
  if (builtAt() >= newestSource(path.resolve('src'))) return;
  execFileSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
