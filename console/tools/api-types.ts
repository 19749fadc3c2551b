import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import type { Database } from '../../src/platform/db/database.js';

/** The committed types of the console's API calls (console/src/api/client.ts reads them). */
export const API_TYPES_FILE = fileURLToPath(new URL('../src/api/openapi.d.ts', import.meta.url));

const HEADER = `/**
 * Generated from Carbon Atlas's own /openapi.json by \`npm run console:types\` (console/tools/api-types.ts).
 * Do not edit: change the route schemas and run it again. A test fails while this file is stale.
 */

`;

/**
 * The app is only built, never started: building registers every route (and so the whole OpenAPI
 * document) without a statement sent, so a database that refuses every call is enough.
 */
const NO_DATABASE: Database = {
  kind: 'pglite',
  query: () => Promise.reject(new Error('no database while generating the OpenAPI document')),
  transaction: () => Promise.reject(new Error('no database while generating the OpenAPI document')),
  maintenanceTransaction: () => Promise.reject(new Error('no database while generating the OpenAPI document')),
  readSnapshot: () => Promise.reject(new Error('no database while generating the OpenAPI document')),
  withAdvisoryLock: () => Promise.reject(new Error('no database while generating the OpenAPI document')),
  close: () => Promise.resolve(),
};

/** The app's OpenAPI document, built in this process from the route schemas. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-openapi-'));
  try {
    // Fixed settings: the document must not depend on who generates it (port, console build, secrets).
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, CONSOLE_DIR: dataDir, JWT_SECRET: 'x'.repeat(32), PORT: '3000', HOST: '127.0.0.1' });
    const app = await buildApp({ config, db: NO_DATABASE, jwtSecret: new TextEncoder().encode(config.JWT_SECRET!), logger: false });
    try {
      await app.ready();
      return app.swagger() as unknown as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Examples are left out of the generated file: they would make it ~1.7 MB of JSDoc that the
 * console's typecheck reads on every run, and they change no type.
 */
function withoutExamples(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutExamples);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'example' && key !== 'examples').map(([key, item]) => [key, withoutExamples(item)]));
}

interface Parameter {
  in: string;
  required?: boolean;
  schema?: { default?: unknown };
}

/**
 * A query parameter with a default is optional to a caller (the server fills it in), but the route
 * schemas list it as required, so the document says `required: true`; typed as required, every
 * call would have to repeat the server's defaults (sort, limit, offset, eps…).
 */
function defaultedQueryOptional(document: Record<string, unknown>): void {
  const paths = (document.paths ?? {}) as Record<string, Record<string, { parameters?: Parameter[] }>>;
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'query' && parameter.required && parameter.schema?.default !== undefined) parameter.required = false;
      }
    }
  }
}

/** The text of console/src/api/openapi.d.ts for the current route schemas. */
export async function generateApiTypes(): Promise<string> {
  const document = withoutExamples(await openApiDocument()) as Record<string, unknown>;
  defaultedQueryOptional(document);
  return HEADER + astToString(await openapiTS(document as unknown as Parameters<typeof openapiTS>[0]));
}

async function main(): Promise<void> {
  const text = await generateApiTypes();
  const before = await readFile(API_TYPES_FILE, 'utf8').catch(() => null);
  if (before === text) {
    console.log(`${path.relative(process.cwd(), API_TYPES_FILE)} is up to date`);
    return;
  }
  await writeFile(API_TYPES_FILE, text);
  console.log(`wrote ${path.relative(process.cwd(), API_TYPES_FILE)} (${Math.round(text.length / 1024)} kB)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
