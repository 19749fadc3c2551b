import { Type, type TSchema } from 'typebox';
import { ErrorSchemas } from '../../platform/http/error-families.js';

/** STAC documents are open by design (extensions add fields): known keys declared, the rest passed through. */
const Open = (properties: Record<string, TSchema>, title: string) => Type.Object(properties, { additionalProperties: true, title });
const Links = Type.Array(Type.Unknown());

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });
const Names = (description: string) => Type.Array(Text(200), { maxItems: 1000, description });

export const stacErrors = {
  400: ErrorSchemas.stac,
  401: ErrorSchemas.stac,
  403: ErrorSchemas.stac,
  404: ErrorSchemas.stac,
  429: ErrorSchemas.stac,
};

export const Catalog = Open({ type: Type.String(), stac_version: Type.String(), id: Type.String(), conformsTo: Type.Array(Type.String()), links: Links }, 'StacCatalog');
export const Conformance = Type.Object({ conformsTo: Type.Array(Type.String()) }, { title: 'StacConformance' });
export const Collection = Open({ type: Type.String(), stac_version: Type.String(), id: Type.String(), links: Links }, 'StacCollection');
export const Collections = Open({ collections: Type.Array(Type.Unknown()), links: Links, numberMatched: Type.Integer(), numberReturned: Type.Integer() }, 'StacCollections');
export const Item = Open({ type: Type.String(), id: Type.String() }, 'StacItem');
export const ItemCollection = Open(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(Type.Unknown()),
    links: Links,
    numberMatched: Type.Optional(Type.Integer()),
    numberReturned: Type.Integer(),
    numberMatchedExact: Type.Optional(Type.Boolean({ description: 'false when numberMatched is an estimate: the planner expected more than 10,000 matches (its estimate is given), or more than 10,000 were found (10,001 is given)' })),
  },
  'StacItemCollection',
);
// `$id` and `$schema` pass through undeclared: as property names they would read as schema keywords to the OpenAPI generator.
export const JsonSchemaDocument = Open({ type: Type.String(), properties: Type.Record(Type.String(), Type.Unknown()) }, 'StacQueryables');

const common = {
  limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 10, description: 'Items wanted (≤ 10,000); pages hold at most 1,000, with a next link for the rest.' }),
  datetime: Type.Optional(Text(100, 'RFC 3339 instant or interval: 2024-01-01T00:00:00Z, 2024-01-01T00:00:00Z/.., ../2024-02-01T00:00:00Z')),
  created_daterange: Type.Optional(Text(100, 'Interval on when the catalog got the item')),
  ids: Type.Optional(Names('Item ids (comma-separated or repeated)')),
  collections: Type.Optional(Names('Collection ids (comma-separated or repeated)')),
  cmf: Type.Optional(Text(50, 'Concentration matched-filter type (e.g. mfa)')),
  gas: Type.Optional(Text(10, 'CH4 or CO2')),
  instruments: Type.Optional(Type.Array(Text(10), { maxItems: 20 })),
  sector: Type.Optional(Text(20, 'IPCC sector code')),
  version: Type.Optional(Type.Array(Text(50), { maxItems: 50, description: 'Product versions' })),
  version_include_nulls: Type.Optional(Type.Boolean({ default: false })),
  'filter-lang': Type.Optional(Type.Union([Type.Literal('cql2-text'), Type.Literal('cql2-json')])),
  'filter-crs': Type.Optional(Text(200)),
  token: Type.Optional(Text(4000, 'Paging token from a next/prev link')),
};

export const SearchQuery = Type.Object({
  ...common,
  bbox: Type.Optional(Text(200, 'west,south,east,north (or with heights)')),
  intersects: Type.Optional(Text(1_000_000, 'A GeoJSON geometry')),
  query: Type.Optional(Text(10_000, 'Query extension object as JSON: {"cm:emission": {"gt": 100}}')),
  filter: Type.Optional(Text(200_000, 'CQL2 text (or JSON with filter-lang=cql2-json)')),
  sortby: Type.Optional(Text(500, 'e.g. -datetime,+id')),
  fields: Type.Optional(Text(2000, 'e.g. id,properties.cm:emission,-assets')),
  q: Type.Optional(Text(500, 'Free-text terms, comma-separated (any of them)')),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
});

export const SearchOffset = Type.Object({ offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }) });

const Free = Type.Record(Type.String(), Type.Unknown());

export const SearchBody = Type.Object({
  limit: Type.Optional(common.limit),
  bbox: Type.Optional(Nullable(Type.Array(Type.Number(), { maxItems: 6 }))),
  datetime: Type.Optional(Nullable(common.datetime)),
  created_daterange: Type.Optional(Nullable(common.created_daterange)),
  intersects: Type.Optional(Nullable(Type.Union([Text(1_000_000), Free]))),
  ids: Type.Optional(Nullable(Names('Item ids'))),
  collections: Type.Optional(Nullable(Names('Collection ids'))),
  cmf: Type.Optional(Nullable(Text(50))),
  gas: Type.Optional(Nullable(Text(10))),
  instruments: Type.Optional(Nullable(Type.Array(Text(10), { maxItems: 20 }))),
  sector: Type.Optional(Nullable(Text(20))),
  version: Type.Optional(Nullable(Type.Array(Text(50), { maxItems: 50 }))),
  version_include_nulls: Type.Optional(Nullable(Type.Boolean())),
  query: Type.Optional(Nullable(Free)),
  filter: Type.Optional(Nullable(Type.Union([Text(200_000), Free]))),
  'filter-lang': Type.Optional(common['filter-lang']),
  'filter-crs': Type.Optional(common['filter-crs']),
  sortby: Type.Optional(Nullable(Type.Array(Type.Object({ field: Text(100), direction: Type.Optional(Text(10)) }), { maxItems: 10 }))),
  fields: Type.Optional(Nullable(Type.Object({ include: Type.Optional(Type.Array(Text(200), { maxItems: 100 })), exclude: Type.Optional(Type.Array(Text(200), { maxItems: 100 })) }))),
  q: Type.Optional(Nullable(Type.Union([Text(500), Type.Array(Text(200), { maxItems: 20 })]))),
  token: Type.Optional(common.token),
});

export const CollectionParams = Type.Object({ collection_id: Text(200) });
export const ItemParams = Type.Object({ collection_id: Text(200), feature_id: Text(200) });

export const CollectionsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
  bbox: Type.Optional(Text(200)),
  datetime: Type.Optional(Text(100)),
  q: Type.Optional(Text(500)),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
});

// ---------------------------------------------------------------- aggregation extension

const aggregateParams = {
  aggregations: Type.Optional(Text(1000, 'Aggregations wanted, comma-separated (see /aggregations); default total_count, datetime_min, datetime_max, collection_frequency')),
  datetime_frequency_interval: Type.Optional(Type.Union(['year', 'month', 'week', 'day', 'hour'].map((unit) => Type.Literal(unit)), { description: 'Bucket width of datetime_frequency (default month)' })),
  grid_geohash_frequency_precision: Type.Optional(Type.Integer({ minimum: 1, maximum: 8, description: 'Geohash length of grid_geohash_frequency (default 1)' })),
  grid_geotile_frequency_precision: Type.Optional(Type.Integer({ minimum: 0, maximum: 15, description: 'Tile zoom of grid_geotile_frequency (default 0)' })),
};

/** The search filters (paging, sorting and fields have no meaning for an aggregation) and the aggregation's own parameters. */
const { limit: _limit, offset: _offset, sortby: _sortby, fields: _fields, token: _token, ...searchFilters } = SearchQuery.properties;
export const AggregateQuery = Type.Object({ ...searchFilters, ...aggregateParams });

const { limit: _bodyLimit, sortby: _bodySortby, fields: _bodyFields, token: _bodyToken, ...bodyFilters } = SearchBody.properties;
export const AggregateBody = Type.Object({
  ...bodyFilters,
  ...aggregateParams,
  aggregations: Type.Optional(Nullable(Type.Array(Text(100), { maxItems: 50, description: 'Aggregations wanted (see /aggregations)' }))),
});

const Bucket = Type.Object({
  key: Type.String(),
  data_type: Type.String(),
  frequency: Type.Integer(),
  from: Type.Optional(Type.Number()),
  to: Type.Optional(Type.Number()),
});
const Aggregation = Type.Object({
  name: Type.String(),
  data_type: Type.String(),
  value: Type.Optional(Nullable(Type.Union([Type.Integer(), Type.String()]))),
  buckets: Type.Optional(Type.Array(Bucket)),
  overflow: Type.Optional(Type.Integer()),
});
export const AggregationCollection = Type.Object(
  { type: Type.Literal('AggregationCollection'), aggregations: Type.Array(Aggregation), links: Links },
  { title: 'StacAggregationCollection' },
);
export const AggregationList = Type.Object(
  { type: Type.Literal('AggregationCollection'), aggregations: Type.Array(Type.Object({ name: Type.String(), data_type: Type.String(), description: Type.Optional(Type.String()) })), links: Links },
  { title: 'StacAggregations' },
);
