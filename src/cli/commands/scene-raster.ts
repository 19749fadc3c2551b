import { Option } from 'commander';
import { configuredBlobStore } from '../../platform/storage/configured-blob-store.js';
import { storeSceneRasterFile } from '../../modules/geo/raster/scene-rasters.service.js';
import type { Registration } from '../context.js';
import { withLocalCopy } from '../local-copy.js';
import { parseOrganizationId } from '../options.js';

export const registerSceneRaster: Registration = (program, { terminal, withDatabase, config }) => {
  program
    .command('scene-raster')
    .description("Store a scene's ch4, co2 or rgb GeoTIFF for its owner (converted to a COG when it is not one), as PUT /api/v1/layers/scene/{scene_id}/{product} does")
    .requiredOption('--scene <id>', 'scene id (uuid)')
    .addOption(new Option('--product <product>', 'which product the file is').choices(['ch4', 'co2', 'rgb']).makeOptionMandatory())
    .requiredOption('--org <id>', 'the organization owning the scene (see `org list`)', parseOrganizationId)
    .argument('<file>', 'the GeoTIFF')
    .option('--json', 'print JSON')
    .action((file: string, options: { scene: string; product: 'ch4' | 'co2' | 'rgb'; org: string; json?: boolean }) =>
      // A private copy the converter can open.
      withLocalCopy(terminal, file, { prefix: 'carbon-atlas-raster-', name: 'upload.tif' }, (copy) =>
        withDatabase(async (db) => {
          const stored = await storeSceneRasterFile({ db, store: configuredBlobStore(config()) }, { sceneId: options.scene, product: options.product, organizationId: options.org, file: copy });
          if (options.json) terminal.out(JSON.stringify(stored));
          else terminal.out(`${stored.key}\t${stored.width}×${stored.height} px, EPSG:${stored.epsg}${stored.converted ? ', converted to COG' : ''}, default v_max ${stored.v_max_default ?? '-'}`);
        }),
      ),
    );
};
