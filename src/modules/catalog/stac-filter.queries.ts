import sql, { join, raw, type Sql } from 'sql-template-tag';
import { BadRequestError } from '../../platform/errors.js';
import type { CqlExpr, CqlGeometry } from './stac.service.js';
import { checkGeometry } from './stac-geometry.js';

/**
 * The STAC queryables (each one column expression per kind of item) and CQL2 JSON compiled to
 * parameterised SQL over them: nothing but these columns and bound values reaches the database.
 */

export type Kind = 'plume' | 'scene';
export type ValueType = 'string' | 'number' | 'timestamp' | 'boolean';

/** The RGB scene products: one collection (scenes carry no product version of their own). */
export const SCENE_COLLECTION = 'l1b-rgb-v1';
/** Plume products: `l3a-<gas>-<cmf type>-<version>`, from each plume's own fields (migration 0028). */
export const PLUME_COLLECTION = /^l3a-(ch4|co2)-[a-z0-9.]+-[a-z0-9.]+$/;
/**
 * Scene concentration products (L2B): one item per scene holding an uploaded `ch4` or `co2` raster
 * (geo/raster). Scenes carry no matched-filter type or version of their own: the catalog's defaults.
 */
export const L2B_COLLECTION = /^l2b-(ch4|co2)-mfa-v1$/;
export const l2bCollection = (product: 'ch4' | 'co2') => `l2b-${product}-mfa-v1`;
export const COLLECTION_OF_PLUME = raw('stac_plume_collection(p.gas, p.emission_cmf_type, p.emission_version)');
export const PLUME_GEOMETRY = raw('COALESCE(p.bounds, p.geometry)');

interface QueryableColumn {
  type: ValueType | 'geometry';
  description: string;
  plume: Sql | null;
  scene: Sql | null;
  enum?: readonly string[];
}

const col = (text: string) => raw(text);

/** The properties a filter may name, and the column each stands for in each kind of item. Nothing else reaches SQL. */
export const QUERYABLES: Record<string, QueryableColumn> = {
  id: { type: 'string', description: 'Item id: the plume name or scene name', plume: col('p.plume_id'), scene: col('s.name') },
  // Scene sources (stac.queries.ts sceneSource) carry their collection: l1b-rgb-v1 or an l2b product.
  collection: { type: 'string', description: 'Collection id', plume: COLLECTION_OF_PLUME, scene: col('s.stac_collection') },
  geometry: { type: 'geometry', description: 'Plume bounds (or point) / scene footprint', plume: PLUME_GEOMETRY, scene: col('s.footprint') },
  datetime: { type: 'timestamp', description: 'Acquisition time', plume: col('p."datetime"'), scene: col('s."timestamp"') },
  start_datetime: { type: 'timestamp', description: 'Acquisition time', plume: col('p."datetime"'), scene: col('s."timestamp"') },
  end_datetime: { type: 'timestamp', description: 'Acquisition time', plume: col('p."datetime"'), scene: col('s."timestamp"') },
  created: { type: 'timestamp', description: 'When the catalog first held the item', plume: col('p.created_at'), scene: col('s.created_at') },
  updated: { type: 'timestamp', description: 'When the item last changed', plume: col('p.modified'), scene: col('s.modified') },
  platform: { type: 'string', description: 'Platform', plume: col('p.platform'), scene: col('s.platform') },
  gsd: { type: 'number', description: 'Ground sample distance (m)', plume: col('p.gsd'), scene: null },
  'cm:instrument': { type: 'string', description: 'Instrument code', plume: col('p.instrument'), scene: col('s.instrument'), enum: ['GAO', 'ang', 'av3', 'emi', 'tan', 'ssc'] },
  'cm:gas': { type: 'string', description: 'Gas', plume: col('p.gas'), scene: null, enum: ['CH4', 'CO2'] },
  'cm:sector': { type: 'string', description: 'IPCC sector code', plume: col('p.sector'), scene: null, enum: ['1B2', '6A', '6B', '4B', '1B1a', '1A1', 'other', 'NA'] },
  'cm:emission': { type: 'number', description: 'Emission rate (kg/h); null where the owner hides it', plume: col('p.emission_auto'), scene: null },
  'cm:emission_uncertainty': { type: 'number', description: 'Emission uncertainty (kg/h)', plume: col('p.emission_uncertainty_auto'), scene: null },
  'cm:status': { type: 'string', description: 'Curation status', plume: col('p.status'), scene: col('s.status') },
  'cm:cmf_type': { type: 'string', description: 'Concentration matched-filter type', plume: col('p.emission_cmf_type'), scene: null },
  'cm:version': { type: 'string', description: 'Emission product version', plume: col('p.emission_version'), scene: null },
  'cm:quality': { type: 'string', description: 'Quality', plume: col('p.quality'), scene: null, enum: ['good', 'questionable', 'bad'] },
  'cm:scene_name': { type: 'string', description: 'Scene name', plume: col('p.scene_name'), scene: col('s.name') },
  'cm:mission_phase': { type: 'string', description: 'Mission phase', plume: col('p.mission_phase'), scene: col('s.mission_phase') },
  'cm:provider': { type: 'string', description: 'Data provider', plume: col('p.provider'), scene: col('s.provider') },
  'cm:wind_speed': { type: 'number', description: 'Mean wind speed (m/s)', plume: col('p.wind_speed_avg_auto'), scene: null },
  'cm:off_nadir': { type: 'number', description: 'Off-nadir angle (degrees)', plume: col('p.off_nadir'), scene: null },
  'cm:phme_candidate': { type: 'boolean', description: 'Persistent high-methane emitter candidate', plume: col('p.phme_candidate'), scene: null },
  'cm:is_offshore': { type: 'boolean', description: 'Offshore plume', plume: col('p.is_offshore'), scene: null },
  'eo:cloud_cover': { type: 'number', description: 'Scene cloud cover (%)', plume: null, scene: col('s.cloud_cover') },
};

/** Sortable fields: non-null keys (NULLs sort last, as ±Infinity), so that keyset paging compares plain values. */
export const SORT_FIELDS = {
  datetime: 'timestamp',
  id: 'string',
  collection: 'string',
  created: 'timestamp',
  updated: 'timestamp',
  'cm:emission': 'number',
  'cm:emission_uncertainty': 'number',
  'eo:cloud_cover': 'number',
  gsd: 'number',
} as const satisfies Record<string, ValueType>;
export type SortField = keyof typeof SORT_FIELDS;

export const CASTS: Record<ValueType, Sql> = { string: raw('text'), number: raw('float8'), timestamp: raw('timestamptz'), boolean: raw('boolean') };


const fail = (message: string): never => {
  throw new BadRequestError(`Invalid filter: ${message}`);
};

interface Value {
  sql: Sql;
  type: ValueType;
}

const isObject = (expr: CqlExpr): expr is Exclude<CqlExpr, CqlExpr[] | string | number | boolean | null> => typeof expr === 'object' && expr !== null && !Array.isArray(expr);

function parseTime(text: unknown, what: string): Date {
  if (typeof text !== 'string') return fail(`${what} must be a string`);
  const value = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$/.test(text) || Number.isNaN(value.getTime())) return fail(`${what} ${JSON.stringify(text)} is not an RFC 3339 date or date-time`);
  return value;
}

const MAX_IN_ITEMS = 1000;

function propertyColumn(name: string, kind: Kind): { sql: Sql; type: QueryableColumn['type'] } {
  const short = name.startsWith('properties.') ? name.slice('properties.'.length) : name;
  // Own keys only: `constructor` or `__proto__` are not queryables.
  const queryable = Object.hasOwn(QUERYABLES, short) ? QUERYABLES[short] : undefined;
  if (!queryable) return fail(`unknown queryable "${name}" (see /queryables)`);
  const column = queryable[kind];
  if (queryable.type === 'geometry') return { sql: column ?? raw('NULL::geometry'), type: 'geometry' };
  return { sql: column ? sql`${column}::${CASTS[queryable.type]}` : sql`NULL::${CASTS[queryable.type]}`, type: queryable.type };
}

function value(expr: CqlExpr, kind: Kind): Value {
  if (typeof expr === 'string') return { sql: sql`${expr}::text`, type: 'string' };
  if (typeof expr === 'number') {
    if (!Number.isFinite(expr)) fail('numbers must be finite');
    return { sql: sql`${expr}::float8`, type: 'number' };
  }
  if (typeof expr === 'boolean') return { sql: sql`${expr}::boolean`, type: 'boolean' };
  if (isObject(expr)) {
    if ('property' in expr) {
      const column = propertyColumn(String(expr.property), kind);
      if (column.type === 'geometry') return fail('geometry is only usable in spatial functions');
      return column as Value;
    }
    if ('timestamp' in expr) return { sql: sql`${parseTime(expr.timestamp, 'TIMESTAMP')}::timestamptz`, type: 'timestamp' };
    if ('date' in expr) return { sql: sql`${parseTime(expr.date, 'DATE')}::timestamptz`, type: 'timestamp' };
    if ('op' in expr && (expr.op === 'casei' || expr.op === 'accenti')) {
      const args = expr.args as CqlExpr[];
      if (!Array.isArray(args) || args.length !== 1) return fail(`${String(expr.op)} takes one argument`);
      const inner = value(args[0]!, kind);
      if (inner.type !== 'string') return fail(`${String(expr.op)} takes a string`);
      // ACCENTI: without the unaccent extension on both databases, only case is folded (documented).
      return { sql: sql`lower(${inner.sql})`, type: 'string' };
    }
    if ('op' in expr) return fail(`"${String(expr.op)}" is not a value function this server supports`);
  }
  if (expr === null) return fail('null is only allowed through IS NULL');
  return fail(`unexpected value ${JSON.stringify(expr).slice(0, 80)}`);
}

/** Two values of one type; a string literal against a timestamp is read as a TIMESTAMP. */
function pair(left: CqlExpr, right: CqlExpr, kind: Kind, op: string): [Value, Value] {
  let a = value(left, kind);
  let b = value(right, kind);
  if (a.type === 'timestamp' && typeof right === 'string') b = value({ timestamp: right }, kind);
  if (b.type === 'timestamp' && typeof left === 'string') a = value({ timestamp: left }, kind);
  if (a.type !== b.type) fail(`"${op}" compares a ${a.type} with a ${b.type}`);
  return [a, b];
}

const COMPARE: Record<string, string> = { '=': '=', '<>': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const SPATIAL: Record<string, string> = {
  s_intersects: 'ST_Intersects', s_within: 'ST_Within', s_contains: 'ST_Contains', s_disjoint: 'ST_Disjoint',
  s_equals: 'ST_Equals', s_touches: 'ST_Touches', s_overlaps: 'ST_Overlaps', s_crosses: 'ST_Crosses',
};

export function geometryLiteral(geometry: CqlGeometry): Sql {
  checkGeometry(geometry);
  // MakeValid: a self-intersecting polygon a client drew still filters instead of failing in GEOS.
  return sql`ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}::text), 4326))`;
}

export function envelope([west, south, east, north]: number[]): Sql {
  return sql`ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, 4326)`;
}

function geometryOperand(expr: CqlExpr, kind: Kind): { sql: Sql; property: boolean } {
  if (isObject(expr) && 'property' in expr) {
    const column = propertyColumn(String(expr.property), kind);
    if (column.type !== 'geometry') fail(`"${String(expr.property)}" is not a geometry`);
    return { sql: column.sql, property: true };
  }
  if (isObject(expr) && 'bbox' in expr) {
    const box = expr.bbox as number[];
    if (!Array.isArray(box) || (box.length !== 4 && box.length !== 6) || !box.every((n) => typeof n === 'number' && Number.isFinite(n))) fail('a BBOX has four or six numbers');
    return { sql: envelope(box.length === 6 ? [box[0]!, box[1]!, box[3]!, box[4]!] : box), property: false };
  }
  if (isObject(expr) && 'type' in expr && typeof expr.type === 'string') return { sql: geometryLiteral(expr as CqlGeometry), property: false };
  return fail('spatial functions take a geometry property and a geometry');
}

/** Plumes intersect through their bounds, or their point when they have none: one indexed expression. */
export function plumeIntersects(geometry: Sql): Sql {
  // PLUME_GEOMETRY as it is indexed (migration 0045).
  return sql`ST_Intersects(${PLUME_GEOMETRY}, ${geometry})`;
}

function spatial(op: string, args: CqlExpr[], kind: Kind): Sql {
  if (args.length !== 2) fail(`${op} takes two arguments`);
  const [a, b] = [geometryOperand(args[0]!, kind), geometryOperand(args[1]!, kind)];
  const literal = !a.property ? a.sql : b.sql;
  if (op === 's_intersects' && kind === 'plume' && a.property !== b.property) return plumeIntersects(literal);
  return sql`${raw(SPATIAL[op]!)}(${a.sql}, ${b.sql})`;
}

interface Span {
  start: Sql;
  end: Sql;
}

const MINUS_INFINITY = raw("'-infinity'::timestamptz");
const PLUS_INFINITY = raw("'infinity'::timestamptz");

function intervalEnd(expr: CqlExpr, side: 'start' | 'end', kind: Kind): Sql {
  if (expr === '..') return side === 'start' ? MINUS_INFINITY : PLUS_INFINITY;
  const span = temporalOperand(typeof expr === 'string' ? (/^\d{4}-\d{2}-\d{2}$/.test(expr) ? { date: expr } : { timestamp: expr }) : expr, kind);
  return side === 'start' ? span.start : span.end;
}

/** An instant is the interval [t, t]; a date the whole day; an interval its two ends ('..' open). */
function temporalOperand(expr: CqlExpr, kind: Kind): Span {
  if (isObject(expr) && 'interval' in expr) {
    const ends = expr.interval as CqlExpr[];
    if (!Array.isArray(ends) || ends.length !== 2) return fail('an INTERVAL has two ends');
    return { start: intervalEnd(ends[0]!, 'start', kind), end: intervalEnd(ends[1]!, 'end', kind) };
  }
  if (isObject(expr) && 'date' in expr) {
    const day = parseTime(expr.date, 'DATE');
    return { start: sql`${day}::timestamptz`, end: sql`${new Date(day.getTime() + 86_400_000 - 1)}::timestamptz` };
  }
  const v = value(typeof expr === 'string' ? { timestamp: expr } : expr, kind);
  if (v.type !== 'timestamp') fail('temporal functions take instants or intervals');
  return { start: v.sql, end: v.sql };
}

const TEMPORAL: Record<string, (a: Span, b: Span) => Sql> = {
  t_after: (a, b) => sql`${a.start} > ${b.end}`,
  t_before: (a, b) => sql`${a.end} < ${b.start}`,
  t_contains: (a, b) => sql`(${a.start} < ${b.start} AND ${a.end} > ${b.end})`,
  t_disjoint: (a, b) => sql`NOT (${a.start} <= ${b.end} AND ${a.end} >= ${b.start})`,
  t_during: (a, b) => sql`(${a.start} > ${b.start} AND ${a.end} < ${b.end})`,
  t_equals: (a, b) => sql`(${a.start} = ${b.start} AND ${a.end} = ${b.end})`,
  t_finishedby: (a, b) => sql`(${a.start} < ${b.start} AND ${a.end} = ${b.end})`,
  t_finishes: (a, b) => sql`(${a.start} > ${b.start} AND ${a.end} = ${b.end})`,
  t_intersects: (a, b) => sql`(${a.start} <= ${b.end} AND ${a.end} >= ${b.start})`,
  t_meets: (a, b) => sql`${a.end} = ${b.start}`,
  t_metby: (a, b) => sql`${a.start} = ${b.end}`,
  t_overlappedby: (a, b) => sql`(${a.start} > ${b.start} AND ${a.start} < ${b.end} AND ${a.end} > ${b.end})`,
  t_overlaps: (a, b) => sql`(${a.start} < ${b.start} AND ${a.end} > ${b.start} AND ${a.end} < ${b.end})`,
  t_startedby: (a, b) => sql`(${a.start} = ${b.start} AND ${a.end} > ${b.end})`,
  t_starts: (a, b) => sql`(${a.start} = ${b.start} AND ${a.end} < ${b.end})`,
};

const MAX_FILTER_NODES = 10_000;
const MAX_FILTER_DEPTH = 64;

/** A CQL2 JSON expression as a boolean SQL condition over one kind of item. */
export function compileFilter(expr: CqlExpr, kind: Kind, budget = { nodes: 0 }, depth = 0): Sql {
  budget.nodes += 1;
  if (budget.nodes > MAX_FILTER_NODES) fail(`more than ${MAX_FILTER_NODES} operations`);
  if (depth > MAX_FILTER_DEPTH) fail(`nested more than ${MAX_FILTER_DEPTH} levels deep`);
  if (typeof expr === 'boolean') return expr ? raw('TRUE') : raw('FALSE');
  if (!isObject(expr)) return fail(`expected a boolean expression, found ${JSON.stringify(expr).slice(0, 80)}`);
  if ('property' in expr) {
    const column = value(expr, kind);
    if (column.type !== 'boolean') fail(`"${String(expr.property)}" is not a boolean`);
    return sql`(${column.sql} IS TRUE)`;
  }
  if (!('op' in expr) || typeof expr.op !== 'string' || !Array.isArray(expr.args)) return fail('an operation needs "op" and "args"');
  const op = expr.op.toLowerCase();
  const args = expr.args as CqlExpr[];
  const arity = (n: number) => {
    if (args.length !== n) fail(`"${op}" takes ${n} arguments`);
  };
  switch (op) {
    case 'and':
    case 'or':
      if (args.length < 2) fail(`"${op}" takes at least two arguments`);
      return sql`(${join(args.map((arg) => compileFilter(arg, kind, budget, depth + 1)), op === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      arity(1);
      return sql`(NOT ${compileFilter(args[0]!, kind, budget, depth + 1)})`;
    case '=':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      arity(2);
      const [a, b] = pair(args[0]!, args[1]!, kind, op);
      if (a.type === 'boolean' && op !== '=' && op !== '<>') fail(`"${op}" does not order booleans`);
      return sql`(${a.sql} ${raw(COMPARE[op]!)} ${b.sql})`;
    }
    case 'like': {
      arity(2);
      const [a, b] = pair(args[0]!, args[1]!, kind, op);
      if (a.type !== 'string') fail('LIKE compares strings');
      return sql`(${a.sql} LIKE ${b.sql})`;
    }
    case 'between': {
      arity(3);
      const [a, low] = pair(args[0]!, args[1]!, kind, op);
      const [, high] = pair(args[0]!, args[2]!, kind, op);
      if (a.type !== 'number' && a.type !== 'timestamp') fail('BETWEEN compares numbers or timestamps');
      return sql`(${a.sql} BETWEEN ${low.sql} AND ${high.sql})`;
    }
    case 'in': {
      arity(2);
      const list = args[1];
      if (!Array.isArray(list) || list.length === 0) return fail('IN takes a non-empty list');
      // Each item is a bound parameter, in each branch and in the count: bounded well under the
      // protocol's 65,535 parameters, whatever else the filter holds.
      if (list.length > MAX_IN_ITEMS) return fail(`IN takes at most ${MAX_IN_ITEMS} values; this list has ${list.length}`);
      budget.nodes += list.length;
      if (budget.nodes > MAX_FILTER_NODES) fail(`more than ${MAX_FILTER_NODES} operations`);
      const left = pair(args[0]!, list[0]!, kind, op)[0];
      const items = list.map((item) => pair(args[0]!, item, kind, op)[1]);
      return sql`(${left.sql} IN (${join(items.map((item) => item.sql), ', ')}))`;
    }
    case 'isnull': {
      arity(1);
      const arg = args[0]!;
      if (isObject(arg) && 'property' in arg) return sql`(${propertyColumn(String(arg.property), kind).sql} IS NULL)`;
      return sql`(${value(arg, kind).sql} IS NULL)`;
    }
    default:
      if (op in SPATIAL) return spatial(op, args, kind);
      if (op in TEMPORAL) {
        arity(2);
        return TEMPORAL[op]!(temporalOperand(args[0]!, kind), temporalOperand(args[1]!, kind));
      }
      return fail(`the operator "${expr.op}" is not supported`);
  }
}
