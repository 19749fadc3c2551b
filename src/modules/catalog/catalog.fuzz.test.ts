import { Readable } from 'node:stream';
import { fuzzModule } from '../../../test/support/fuzz/fuzz-suite.js';
import { MODULE_ROUTES } from '../../../test/support/fuzz/modules.js';
import { collectValues } from '../../../test/support/fuzz/collect.js';
import { baseWorld, remember } from '../../../test/support/fuzz/world.js';
import { FIXTURE_CSV, FIXTURE_HEADER, FIXTURE_ROWS } from './catalog.fixture.js';
import { importPlumeCsv } from './plume-import.js';

const COLUMNS = FIXTURE_HEADER.split(',');
// The EMIT row has no quoted cells, so splitting on commas gives its cells.
const SAMPLE_ROW = Object.fromEntries(FIXTURE_ROWS[2]!.split(',').map((cell, index) => [COLUMNS[index]!, cell]));

// Issue 12: every route of the plume platform's catalog (plumes, imports, sources, scenes, assets),
// fed generated and mutated requests, as the owner of the fixture catalog and anonymously.
await fuzzModule({
  name: 'catalog',
  select: MODULE_ROUTES.catalog,
  runs: 60,
  world: async (ctx) => {
    const { owner, ownerKey, world } = await baseWorld(ctx);
    await importPlumeCsv(ctx.db, Readable.from([FIXTURE_CSV]), owner.id);
    const read = async (url: string) => (await ctx.request({ method: 'GET', url: `/api/v1/catalog${url}`, key: ownerKey })).json();
    const plumes = await read('/plumes/annotated?limit=100&offset=0&sort=desc');
    const scenes = await read('/scenes?limit=100&offset=0&sort=desc&assessment_status=all');
    const sources = await read('/sources.geojson?status=published&eps=1000&minpoints=1');
    const job = await ctx.request({ method: 'POST', url: '/api/v1/catalog/imports', key: ownerKey, headers: { 'content-type': 'text/csv' }, payload: FIXTURE_CSV });
    remember(world, 'plume_id', collectValues(plumes, ['plume_id']));
    remember(world, 'plume_uuid', collectValues(plumes, ['id']));
    remember(world, 'id', [...collectValues(plumes, ['id']), collectValues(job.json(), ['id'])[0]]);
    remember(world, 'scene_id', [...collectValues(scenes, ['id', 'scene_id', 'name']), ...collectValues(plumes, ['scene_id'])]);
    remember(world, 'source_name', collectValues(sources, ['source_name', 'name']));
    remember(world, '*', ['plumes/a.tif', 'plumes/a.png']);
    world.uploads['POST /api/v1/catalog/imports'] = { columns: COLUMNS, sampleRow: SAMPLE_ROW };
    return world;
  },
});
