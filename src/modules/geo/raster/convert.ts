import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pLimit from 'p-limit';

const run = promisify(execFile);
/** A conversion is CPU-bound: at most this many at once per process, the rest wait their turn. */
const conversions = pLimit(2);
const CONVERT_TIMEOUT_MS = 120_000;

let available: Promise<boolean> | undefined;

/** Whether GDAL's gdal_translate (Debian gdal-bin) is installed; asked once per process. */
export function gdalAvailable(): Promise<boolean> {
  available ??= run('gdal_translate', ['--version'], { timeout: 10_000 }).then(
    () => true,
    () => false,
  );
  return available;
}

/**
 * Rewrites a GeoTIFF as a Cloud-Optimized GeoTIFF: 256 px tiles, DEFLATE, internal overviews made
 * by averaging (nearest for integer masks would need a per-file choice; averaging suits both
 * concentrations and RGB). The input driver is pinned to GTiff so that only a TIFF is ever opened
 * (no VRT or other format naming other files), and nothing is fetched over the network.
 */
export function toCog(input: string, output: string): Promise<void> {
  return conversions(async () => {
    await run(
      'gdal_translate',
      ['-q', '-if', 'GTiff', '-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKSIZE=256', '-co', 'OVERVIEWS=AUTO', '-co', 'RESAMPLING=AVERAGE', input, output],
      { timeout: CONVERT_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GDAL_DISABLE_READDIR_ON_OPEN: 'EMPTY_DIR', CPL_VSIL_CURL_ALLOWED_EXTENSIONS: '.none', GDAL_HTTP_TIMEOUT: '1' } },
    );
  });
}
