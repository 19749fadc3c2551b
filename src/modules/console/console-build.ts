import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A built console: its index page (read once) and the folder of hashed assets. */
export interface ConsoleBuild {
  indexHtml: string;
  staticDir: string;
}

/**
 * Both `src/modules/console/` (tsx, tests) and `dist/modules/console/` (the built server) are
 * three levels below the installation, whose `npm run build` writes the console to dist/console.
 */
export const DEFAULT_CONSOLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../dist/console');

/** The console build in `dir`, or null when it was not built (the server then keeps its page of links). */
export async function findConsoleBuild(dir: string = DEFAULT_CONSOLE_DIR): Promise<ConsoleBuild | null> {
  try {
    const indexHtml = await readFile(path.join(dir, 'index.html'), 'utf8');
    return { indexHtml, staticDir: path.join(dir, 'static') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
