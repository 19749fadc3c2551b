import { Type, type Static } from 'typebox';
import { MAX_LATITUDE, MAX_ZOOM, MIN_ZOOM } from '../../../platform/tiles/tile-math.js';

export const TileJson = Type.Object(
  {
    tilejson: Type.Literal('3.0.0'),
    name: Type.String(),
    description: Type.Optional(Type.String()),
    scheme: Type.Literal('xyz'),
    tiles: Type.Array(Type.String()),
    minzoom: Type.Integer(),
    maxzoom: Type.Integer(),
    bounds: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
    center: Type.Optional(Type.Array(Type.Number(), { minItems: 3, maxItems: 3 })),
    vector_layers: Type.Array(
      Type.Object({ id: Type.String(), description: Type.Optional(Type.String()), minzoom: Type.Integer(), maxzoom: Type.Integer(), fields: Type.Record(Type.String(), Type.String()) }),
    ),
  },
  { description: 'TileJSON 3.0.0' },
);
export type TileJson = Static<typeof TileJson>;

export const WORLD_BOUNDS = [-180, -MAX_LATITUDE, 180, MAX_LATITUDE];

/** A TileJSON document for one MVT layer served at `tileUrl` (with {z}/{x}/{y} placeholders). */
export function tileJson(layer: string, tileUrl: string, fields: Record<string, string>, options: { description?: string; bounds?: number[] | null } = {}): TileJson {
  const bounds = options.bounds && options.bounds.length === 4 && options.bounds.every(Number.isFinite) ? options.bounds : WORLD_BOUNDS;
  return {
    tilejson: '3.0.0',
    name: layer,
    ...(options.description ? { description: options.description } : {}),
    scheme: 'xyz',
    tiles: [tileUrl],
    minzoom: MIN_ZOOM,
    maxzoom: MAX_ZOOM,
    bounds,
    vector_layers: [{ id: layer, ...(options.description ? { description: options.description } : {}), minzoom: MIN_ZOOM, maxzoom: MAX_ZOOM, fields }],
  };
}

/** A layer's stored schema ({"name": "string", ...}) as TileJSON field types. */
export function fieldsOfSchema(schema: Record<string, unknown>): Record<string, string> {
  const types: Record<string, string> = { string: 'String', number: 'Number', integer: 'Number', boolean: 'Boolean' };
  return Object.fromEntries(Object.entries(schema ?? {}).map(([name, type]) => [name, types[String(type)] ?? 'String']));
}

export const Style = Type.Object(
  {
    version: Type.Literal(8),
    name: Type.String(),
    sources: Type.Record(Type.String(), Type.Object({ type: Type.Literal('vector'), url: Type.String() })),
    layers: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  },
  { description: 'A MapLibre style (spec v8) drawing plumes over scene footprints; no glyphs or sprites needed.' },
);

/**
 * Plumes as circles coloured (and sized) by emission rate over scene footprints; a hidden emission
 * is grey. Low-zoom cells (features with `plume_count`, decision 0023) are coloured by their plumes'
 * mean emission and sized by their count.
 */
export function mapStyle(plumesTileJsonUrl: string, scenesTileJsonUrl: string): Static<typeof Style> {
  const isCell = ['has', 'plume_count'];
  const cellMean = ['case', ['>', ['coalesce', ['get', 'emission_count'], 0], 0], ['/', ['get', 'emission_sum'], ['get', 'emission_count']], -1];
  const emission = ['case', isCell, cellMean, ['coalesce', ['get', 'emission_auto'], -1]];
  const cellRadius = ['interpolate', ['linear'], ['get', 'plume_count'], 1, 3, 10, 4.5, 100, 6, 1000, 8, 10000, 11, 100000, 14];
  // MapLibre takes ['zoom'] only as the input of the outermost interpolation: the cell case sits in each stop.
  const radius = (plume: number) => ['case', isCell, cellRadius, plume];
  return {
    version: 8,
    name: 'Carbon Atlas plumes',
    sources: { scenes: { type: 'vector', url: scenesTileJsonUrl }, plumes: { type: 'vector', url: plumesTileJsonUrl } },
    layers: [
      { id: 'scenes-fill', type: 'fill', source: 'scenes', 'source-layer': 'scenes', paint: { 'fill-color': '#4c78a8', 'fill-opacity': 0.08 } },
      { id: 'scenes-outline', type: 'line', source: 'scenes', 'source-layer': 'scenes', paint: { 'line-color': '#4c78a8', 'line-width': 1, 'line-opacity': 0.6 } },
      {
        id: 'plumes',
        type: 'circle',
        source: 'plumes',
        'source-layer': 'plumes',
        paint: {
          'circle-color': ['case', ['<', emission, 0], '#9e9e9e', ['interpolate', ['linear'], emission, 0, '#fde725', 100, '#fca636', 1000, '#e16462', 10000, '#b12a90', 100000, '#6a00a8', 1000000, '#0d0887']],
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 2, radius(2), 8, radius(4), 14, radius(8)],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 0.5,
          'circle-opacity': 0.9,
        },
      },
    ],
  };
}
