import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { AreaImportError, importAdministrativeAreas } from '../../modules/geo/areas/area-file-import.js';
import type { Registration } from '../context.js';
import { withLocalCopy } from '../local-copy.js';

export const registerAdminAreas: Registration = (program, { terminal, withDatabase }) => {
  program
    .command('admin-areas')
    .description('Administrative areas (countries, US states and counties ship with the server)')
    .command('import')
    .argument('<file>', 'GADM or geoBoundaries boundaries: GeoJSON, or GeoPackage/Shapefile/zip with gdal-bin installed')
    .description('Load your own GADM or geoBoundaries file; its areas replace areas of the same GADM id')
    .action((file: string) =>
      // A copy of the same name: GDAL tells formats apart by their extension.
      withLocalCopy(terminal, file, { prefix: 'carbon-atlas-areas-', name: path.basename(file) }, (copy) =>
        withDatabase(async (db) => {
          try {
            const result = await importAdministrativeAreas(db, copy, (message) => terminal.err(message));
            terminal.out(`Imported ${result.stored} administrative areas (levels ${result.levels.join(', ')}) from ${file}${result.skipped ? `; skipped ${result.skipped}` : ''}`);
          } catch (error) {
            if (error instanceof AreaImportError) throw new InvalidArgumentError(error.message);
            throw error;
          }
        }),
      ),
    );
};
