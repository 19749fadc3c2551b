import { QUERYABLES, SCENE_COLLECTION, type ItemRow } from '../catalog/stac.service.js';

export const STAC_VERSION = '1.0.0';
export const EXT = {
  projection: 'https://stac-extensions.github.io/projection/v1.1.0/schema.json',
  raster: 'https://stac-extensions.github.io/raster/v1.1.0/schema.json',
  eo: 'https://stac-extensions.github.io/eo/v1.1.0/schema.json',
} as const;

export const MEDIA = {
  json: 'application/json',
  geojson: 'application/geo+json',
  schema: 'application/schema+json',
  openapi: 'application/vnd.oai.openapi+json;version=3.0',
  html: 'text/html',
  cog: 'image/tiff; application=geotiff; profile=cloud-optimized',
  png: 'image/png',
} as const;

/** Each class is listed because it is implemented and tested (test/…/stac*.test.ts). */
export const CONFORMANCE = [
  'https://api.stacspec.org/v1.0.0/core',
  'https://api.stacspec.org/v1.0.0/collections',
  'https://api.stacspec.org/v1.0.0/ogcapi-features',
  'https://api.stacspec.org/v1.0.0/ogcapi-features#fields',
  'https://api.stacspec.org/v1.0.0/ogcapi-features#sort',
  'https://api.stacspec.org/v1.0.0/ogcapi-features#query',
  'https://api.stacspec.org/v1.0.0/item-search',
  'https://api.stacspec.org/v1.0.0/item-search#fields',
  'https://api.stacspec.org/v1.0.0/item-search#sort',
  'https://api.stacspec.org/v1.0.0/item-search#query',
  'https://api.stacspec.org/v1.0.0/item-search#filter',
  'https://api.stacspec.org/v1.0.0-rc.2/item-search#filter',
  'https://api.stacspec.org/v1.0.0-rc.1/item-search#free-text',
  'https://api.stacspec.org/v1.0.0-rc.1/collection-search',
  'https://api.stacspec.org/v1.0.0-rc.1/collection-search#free-text',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-json',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus-geometries',
  'http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions',
  'https://api.stacspec.org/v0.3.0/aggregation',
  'https://api.stacspec.org/v0.3.0/aggregation#query',
  'https://api.stacspec.org/v0.3.0/aggregation#filter',
];

export interface Link {
  rel: string;
  href: string;
  type?: string;
  title?: string;
  method?: string;
  body?: unknown;
  merge?: boolean;
}

export function landing(base: string) {
  const root = `${base}/api/v1/stac`;
  return {
    type: 'Catalog',
    stac_version: STAC_VERSION,
    id: 'carbon-atlas',
    title: 'Carbon Atlas STAC API',
    description: 'Methane and CO2 plume products and the scenes they were found in, from the Carbon Atlas plume catalog.',
    conformsTo: CONFORMANCE,
    links: [
      { rel: 'self', href: `${root}/`, type: MEDIA.json, title: 'This catalog' },
      { rel: 'root', href: `${root}/`, type: MEDIA.json, title: 'Carbon Atlas STAC API' },
      { rel: 'conformance', href: `${root}/conformance`, type: MEDIA.json, title: 'Conformance classes' },
      { rel: 'data', href: `${root}/collections`, type: MEDIA.json, title: 'Collections' },
      { rel: 'search', href: `${root}/search`, type: MEDIA.geojson, method: 'GET', title: 'Item search' },
      { rel: 'search', href: `${root}/search`, type: MEDIA.geojson, method: 'POST', title: 'Item search' },
      { rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', href: `${root}/queryables`, type: MEDIA.schema, title: 'Queryables' },
      { rel: 'aggregate', href: `${root}/aggregate`, type: MEDIA.json, method: 'GET', title: 'Aggregate the items a search matches' },
      { rel: 'aggregate', href: `${root}/aggregate`, type: MEDIA.json, method: 'POST', title: 'Aggregate the items a search matches' },
      { rel: 'aggregations', href: `${root}/aggregations`, type: MEDIA.json, title: 'Aggregations available' },
      { rel: 'service-desc', href: `${base}/openapi.json`, type: MEDIA.openapi, title: 'OpenAPI definition' },
      { rel: 'service-doc', href: `${base}/docs`, type: MEDIA.html, title: 'API reference' },
    ] satisfies Link[],
  };
}

export interface CollectionInfo {
  id: string;
  /** plume: l3a-*, scene: l1b-rgb-v1, l2b: a scene concentration product. */
  kind: 'plume' | 'scene' | 'l2b';
  first: Date | null;
  last: Date | null;
}

const GASES: Record<string, string> = { ch4: 'methane (CH4)', co2: 'carbon dioxide (CO2)' };

export function describeCollection(info: CollectionInfo) {
  if (info.kind === 'scene') {
    return { title: 'RGB scenes', description: 'Scene products: one item per acquisition (scene), with its footprint, time, instrument and cloud cover.', keywords: ['scene', 'rgb', 'imaging spectroscopy'] };
  }
  if (info.kind === 'l2b') {
    const gas = info.id.split('-')[1]!;
    return {
      title: `L2B ${gas.toUpperCase()} concentration scenes (mfa, v1)`,
      description: `Scene-level ${GASES[gas] ?? gas} enhancement rasters (matched filter): one item per scene holding one, with the scene's footprint and the raster as a signed COG asset.`,
      keywords: ['scene', 'concentration', gas, 'greenhouse gas'],
    };
  }
  const [, gas, cmf, version] = info.id.split('-');
  return {
    title: `L3A ${gas!.toUpperCase()} plumes (${cmf}, ${version})`,
    description: `Plume products for ${GASES[gas!] ?? gas}: one item per plume, retrieved with the ${cmf} matched filter, product version ${version}, with emission estimates, sector and the plume's image assets.`,
    keywords: ['plume', gas!, 'emissions', 'greenhouse gas'],
  };
}

export function collectionDocument(base: string, info: CollectionInfo) {
  const root = `${base}/api/v1/stac`;
  const self = `${root}/collections/${info.id}`;
  const { title, description, keywords } = describeCollection(info);
  const plume = info.kind === 'plume';
  const l2b = info.kind === 'l2b';
  const gas = info.id.split('-')[1]!;
  return {
    type: 'Collection',
    stac_version: STAC_VERSION,
    stac_extensions: plume || l2b ? [EXT.projection, EXT.raster] : [EXT.projection, EXT.eo],
    id: info.id,
    title,
    description,
    keywords,
    license: 'CC-BY-4.0',
    providers: [{ name: 'Carbon Atlas', roles: ['host', 'processor'], url: base }],
    extent: {
      // The catalog's own bounds are not kept per collection: the whole world, as the spec allows.
      spatial: { bbox: [[-180, -90, 180, 90]] },
      temporal: { interval: [[info.first?.toISOString() ?? null, info.last?.toISOString() ?? null]] },
    },
    summaries: plume || l2b ? { 'cm:gas': [gas.toUpperCase()], 'proj:epsg': [4326] } : { 'proj:epsg': [4326] },
    item_assets: l2b
      ? {
          [`${gas}_tif`]: { title: `${gas.toUpperCase()} enhancement (COG)`, type: MEDIA.cog, roles: ['data'] },
          rgb_tif: { title: 'RGB (COG)', type: MEDIA.cog, roles: ['visual'] },
        }
      : plume
      ? {
          plume_tif: { title: 'Plume enhancement (COG)', type: MEDIA.cog, roles: ['data'] },
          plume_png: { title: 'Plume image', type: MEDIA.png, roles: ['visual'] },
          con_tif: { title: 'Concentration (COG)', type: MEDIA.cog, roles: ['data'] },
          rgb_tif: { title: 'RGB (COG)', type: MEDIA.cog, roles: ['visual'] },
          rgb_png: { title: 'RGB quicklook', type: MEDIA.png, roles: ['thumbnail', 'overview'] },
        }
      : undefined,
    links: [
      { rel: 'self', href: self, type: MEDIA.json },
      { rel: 'root', href: `${root}/`, type: MEDIA.json },
      { rel: 'parent', href: `${root}/`, type: MEDIA.json },
      { rel: 'items', href: `${self}/items`, type: MEDIA.geojson },
      { rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', href: `${self}/queryables`, type: MEDIA.schema },
      { rel: 'aggregate', href: `${self}/aggregate`, type: MEDIA.json, method: 'GET' },
      { rel: 'aggregations', href: `${self}/aggregations`, type: MEDIA.json },
    ] satisfies Link[],
  };
}

export const ASSETS: Record<string, { title: string; type: string; roles: string[]; raster?: boolean; rgb?: boolean }> = {
  plume_tif: { title: 'Plume enhancement (COG)', type: MEDIA.cog, roles: ['data'], raster: true },
  plume_png: { title: 'Plume image', type: MEDIA.png, roles: ['visual'] },
  con_tif: { title: 'Concentration (COG)', type: MEDIA.cog, roles: ['data'], raster: true },
  rgb_tif: { title: 'RGB (COG)', type: MEDIA.cog, roles: ['visual'], rgb: true },
  rgb_png: { title: 'RGB quicklook', type: MEDIA.png, roles: ['thumbnail', 'overview'] },
  ch4_tif: { title: 'CH4 enhancement (COG)', type: MEDIA.cog, roles: ['data'], raster: true },
  co2_tif: { title: 'CO2 enhancement (COG)', type: MEDIA.cog, roles: ['data'], raster: true },
};

const RGB_BANDS = [
  { name: 'red', common_name: 'red' },
  { name: 'green', common_name: 'green' },
  { name: 'blue', common_name: 'blue' },
];

type Props = Record<string, unknown>;

function withoutNulls(values: Props): Props {
  // A loop, not entries → filter → fromEntries: this runs for every item of every page.
  const kept: Props = {};
  for (const key in values) {
    const value = values[key];
    if (value !== null && value !== undefined) kept[key] = value;
  }
  return kept;
}

/** A catalog row as a STAC Item; `hrefs` holds each shown asset's signed href. */
export function itemDocument(base: string, row: ItemRow & { assets: Record<string, string> }, hrefs: Record<string, string>) {
  const root = `${base}/api/v1/stac`;
  const collection = `${root}/collections/${row.collection}`;
  const p = row.props;
  const at = row.datetime.toISOString();
  const extensions = new Set<string>([EXT.projection]);
  const assets: Record<string, Props> = {};
  for (const [name, href] of Object.entries(hrefs)) {
    const spec = ASSETS[name]!;
    const asset: Props = { href, type: spec.type, title: spec.title, roles: spec.roles };
    if (spec.raster) {
      const nodata = typeof p.raster_nodata === 'number' && Number.isFinite(p.raster_nodata) ? p.raster_nodata : -9999;
      asset['raster:bands'] = [withoutNulls({ data_type: 'float32', nodata, unit: 'ppm m', spatial_resolution: typeof p.gsd === 'number' && p.gsd > 0 ? p.gsd : null })];
      extensions.add(EXT.raster);
    }
    if (spec.rgb) {
      asset['eo:bands'] = RGB_BANDS;
      extensions.add(EXT.eo);
    }
    assets[name] = asset;
  }
  // Each kind's properties are one object literal, the common fields written out in both: built by
  // assignment or Object.assign, an object of this many keys falls into V8's dictionary mode (and
  // JSON.stringify then took twice as long), and spreading the common fields into the literal
  // builds it ~20× slower (51 against 2.2 µs an object). Common fields without a value are
  // undefined (JSON leaves them out); the cm: fields say null.
  const platform = p.platform ?? undefined;
  const instruments = p.instrument ? [p.instrument] : undefined;
  const gsd = typeof p.gsd === 'number' && p.gsd > 0 ? p.gsd : undefined;
  const created = row.created.toISOString();
  const updated = row.updated.toISOString();
  let properties: Props;
  if (row.kind === 'plume') {
    properties = {
      datetime: at,
      start_datetime: at,
      end_datetime: at,
      created,
      updated,
      platform,
      instruments,
      gsd,
      'proj:epsg': 4326,
      'cm:plume_uuid': p.plume_uuid,
      'cm:gas': p.gas,
      'cm:sector': p.sector,
      'cm:emission': p.emission,
      'cm:emission_uncertainty': p.emission_uncertainty,
      'cm:instrument': p.instrument,
      'cm:platform': p.platform,
      'cm:status': p.status,
      'cm:cmf_type': p.cmf_type,
      'cm:version': p.version,
      'cm:quality': p.quality,
      'cm:scene_name': p.scene_name,
      'cm:scene_id': p.scene_id,
      'cm:provider': p.provider,
      'cm:mission_phase': p.mission_phase,
      'cm:processing_software': p.processing_software,
      'cm:off_nadir': p.off_nadir,
      'cm:sensitivity_mode': p.sensitivity_mode,
      'cm:wind_speed_avg': p.wind_speed_avg,
      'cm:wind_speed_std': p.wind_speed_std,
      'cm:wind_direction_avg': p.wind_direction_avg,
      'cm:wind_direction_std': p.wind_direction_std,
      'cm:wind_source': p.wind_source,
      'cm:phme_candidate': p.phme_candidate,
      'cm:is_offshore': p.is_offshore,
      'cm:plume_longitude': p.plume_longitude,
      'cm:plume_latitude': p.plume_latitude,
      'cm:published_at': row.published_at?.toISOString() ?? null,
    };
  } else {
    properties = {
      datetime: at,
      start_datetime: at,
      end_datetime: at,
      created,
      updated,
      platform,
      instruments,
      gsd,
      'proj:epsg': 4326,
      'cm:instrument': p.instrument,
      'cm:platform': p.platform,
      'cm:status': p.status,
      'cm:provider': p.provider,
      'cm:mission_phase': p.mission_phase,
      'cm:assessed': p.assessed,
      'cm:qa_flags': p.qa_flags,
      'cm:scene_id': p.scene_id,
    };
    if (row.kind === 'scene' && typeof p.cloud_cover === 'number') {
      properties['eo:cloud_cover'] = p.cloud_cover;
      extensions.add(EXT.eo);
    }
    if (row.kind !== 'scene') {
      // L2B: the gas is the product; the raster's own grid (its CRS and size), as the Projection extension gives them.
      properties['cm:gas'] = String(p.product).toUpperCase();
      properties['proj:epsg'] = p.raster_epsg;
      if (typeof p.raster_height === 'number' && typeof p.raster_width === 'number') properties['proj:shape'] = [p.raster_height, p.raster_width];
    }
  }
  const links: Link[] = [
    { rel: 'self', href: `${collection}/items/${encodeURIComponent(row.item_id)}`, type: MEDIA.geojson },
    { rel: 'parent', href: collection, type: MEDIA.json },
    { rel: 'collection', href: collection, type: MEDIA.json },
    { rel: 'root', href: `${root}/`, type: MEDIA.json },
  ];
  if (row.kind === 'plume') links.push({ rel: 'via', href: `${base}/api/v1/catalog/plume/${String(p.plume_uuid)}`, type: MEDIA.json, title: 'The plume in the catalog' });
  else links.push({ rel: 'via', href: `${base}/api/v1/catalog/scene/${String(p.scene_id)}`, type: MEDIA.json, title: 'The scene in the catalog' });
  const geometry = row.geometry ? (JSON.parse(row.geometry) as unknown) : null;
  return {
    type: 'Feature',
    stac_version: STAC_VERSION,
    stac_extensions: [...extensions].sort(),
    id: row.item_id,
    collection: row.collection,
    geometry,
    ...(geometry && row.bbox ? { bbox: row.bbox } : {}),
    properties,
    links,
    assets,
  };
}

/** Queryables as JSON Schema: for one collection, or (collection undefined) for all. */
export function queryablesDocument(base: string, collection?: CollectionInfo) {
  const root = `${base}/api/v1/stac`;
  const id = collection ? `${root}/collections/${collection.id}/queryables` : `${root}/queryables`;
  const properties: Record<string, unknown> = {};
  for (const [name, queryable] of Object.entries(QUERYABLES)) {
    if (collection && !queryable[collection.kind === 'plume' ? 'plume' : 'scene']) continue;
    const schema: Record<string, unknown> = { title: name, description: queryable.description };
    switch (queryable.type) {
      case 'geometry':
        schema.$ref = 'https://geojson.org/schema/Geometry.json';
        break;
      case 'timestamp':
        Object.assign(schema, { type: 'string', format: 'date-time' });
        break;
      case 'number':
        schema.type = 'number';
        break;
      case 'boolean':
        schema.type = 'boolean';
        break;
      default:
        schema.type = 'string';
        if (queryable.enum) schema.enum = queryable.enum;
    }
    if (name === 'collection' && collection) schema.const = collection.id;
    if (name === 'eo:cloud_cover' && collection?.kind === 'l2b') continue;
    properties[name] = schema;
  }
  return {
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    $id: id,
    type: 'object',
    title: collection ? `Queryables of ${collection.id}` : 'Queryables of the Carbon Atlas STAC API',
    properties,
    additionalProperties: false,
  };
}

export const isSceneCollection = (id: string) => id === SCENE_COLLECTION;
