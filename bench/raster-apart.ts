import { benchRaster, RESULT_PREFIX } from './raster.js';
import { pgliteBackend, postgresBackend } from './backends.js';

// One backend's raster figures, in this process of its own (see benchRasterApart).
const [name, seconds] = process.argv.slice(2);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const backend = name === 'postgres' ? await postgresBackend(adminUrl) : await pgliteBackend();
try {
  console.log(`${RESULT_PREFIX}${JSON.stringify(await benchRaster(backend, Number(seconds)))}`);
} finally {
  await backend.dispose();
}
