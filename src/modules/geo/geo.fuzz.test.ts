import sql from 'sql-template-tag';
import { fuzzModule } from '../../../test/support/fuzz/fuzz-suite.js';
import { MODULE_ROUTES } from '../../../test/support/fuzz/modules.js';
import { baseWorld, remember } from '../../../test/support/fuzz/world.js';

// Tiles, TileJSON, the style, raster tiles and uploaded layers, fed generated and mutated requests:
// the owner's ready layer, the rival's, and tile coordinates that exist.
await fuzzModule({
  name: 'geo',
  select: MODULE_ROUTES.geo,
  runs: 40,
  world: async (ctx) => {
    const { owner, rival, world } = await baseWorld(ctx);
    const layers = await ctx.db.query<{ id: string; name: string }>(sql`
      INSERT INTO layers (name, status, organization_id, schema, bounds) VALUES
        ('fuzz_owner_layer', 0, ${owner.id}, '{"name": "string"}', '{10, 10, 11, 11}'),
        ('fuzz_rival_layer', 0, ${rival.id}, '{}', NULL)
      RETURNING id::text, name`);
    await ctx.db.query(sql`INSERT INTO layer_features (layer_id, geom, properties) SELECT id, ST_SetSRID(ST_MakePoint(10.5, 10.5), 4326), '{"name": "x"}' FROM layers WHERE name = 'fuzz_owner_layer'`);
    remember(world, 'layer_id', layers.map((layer) => layer.id));
    remember(world, 'name', layers.map((layer) => layer.name));
    remember(world, 'z', [0, 2, 8]);
    remember(world, 'x', [0, 1, 2]);
    remember(world, 'y', [0, 1]);
    remember(world, 'product', ['ch4', 'co2', 'rgb']);
    remember(world, 'colormap', ['magma', 'turbo_r']);
    return world;
  },
});
