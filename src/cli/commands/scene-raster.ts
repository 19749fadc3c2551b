import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Option } from 'commander';
import { assetStore } from '../../modules/catalog/assets.routes.js';
import { storeSceneRasterFile } from '../../modules/geo/raster/scene-rasters.service.js';
import type { Registration } from '../context.js';
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
    .action(async (file: string, options: { scene: string; product: 'ch4' | 'co2' | 'rgb'; org: string; json?: boolean }) => {
      // Read by the caller (also beside a server) into a private temporary copy the converter can open.
      const input = await terminal.openFile(file);
      const directory = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-raster-'));
      const copy = path.join(directory, 'upload.tif');
      try {
        await pipeline(input.stream, createWriteStream(copy, { mode: 0o600 }));
        await withDatabase(async (db) => {
          const stored = await storeSceneRasterFile({ db, store: assetStore(config()) }, { sceneId: options.scene, product: options.product, organizationId: options.org, file: copy });
          if (options.json) terminal.out(JSON.stringify(stored));
          else terminal.out(`${stored.key}\t${stored.width}×${stored.height} px, EPSG:${stored.epsg}${stored.converted ? ', converted to COG' : ''}, default v_max ${stored.v_max_default ?? '-'}`);
        });
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });
};
