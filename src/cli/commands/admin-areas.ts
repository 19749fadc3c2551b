import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError } from 'commander';
import { AreaImportError, importAdministrativeAreas } from '../../modules/geo/areas/area-file-import.js';
import type { Registration } from '../context.js';

export const registerAdminAreas: Registration = (program, { terminal, withDatabase }) => {
  program
    .command('admin-areas')
    .description('Administrative areas (countries, US states and counties ship with the server)')
    .command('import')
    .argument('<file>', 'GADM or geoBoundaries boundaries: GeoJSON, or GeoPackage/Shapefile/zip with gdal-bin installed')
    .description('Load your own GADM or geoBoundaries file; its areas replace areas of the same GADM id')
    .action(async (file: string) => {
      // Read by the caller (also beside a server), then handed to the importer as a file of the same
      // name, since GDAL tells formats apart by their extension.
      const input = await terminal.openFile(file);
      const directory = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-areas-'));
      const copy = path.join(directory, path.basename(file));
      try {
        await pipeline(input.stream, createWriteStream(copy, { mode: 0o600 }));
        await withDatabase(async (db) => {
          try {
            const result = await importAdministrativeAreas(db, copy, (message) => terminal.err(message));
            terminal.out(`Imported ${result.stored} administrative areas (levels ${result.levels.join(', ')}) from ${file}${result.skipped ? `; skipped ${result.skipped}` : ''}`);
          } catch (error) {
            if (error instanceof AreaImportError) throw new InvalidArgumentError(error.message);
            throw error;
          }
        });
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });
};
