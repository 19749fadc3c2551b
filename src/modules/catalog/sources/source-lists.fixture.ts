import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import sql from 'sql-template-tag';
import { expect } from 'vitest';
import type { Database, Queryable } from '../../../platform/db/database.js';
import { nullableAsTypeArrays } from '../../../platform/http/nullable-type-arrays.js';
import { ANONYMOUS } from '../plume-filter.js';
import { sectorAggregates } from './sector-aggregate.js';
import { SourceCollection } from './sources.schemas.js';
import { aggregateBySector, feature, sourcesGeojson, type Source, type SourceQuery } from './sources.service.js';

/*
 * What the tests of the lists (sources.geojson, sources/aggregate) hold them to: the answer of
 * clustering on demand, written as the route's serializer wrote it before answers were stored
 * (migration 0060, decision 0046).
 */

/** SourceCollection's serializer, compiled as Fastify compiles a route's. */
export const serializeCollection = SerializerSelector()(undefined, {})({ schema: nullableAsTypeArrays(SourceCollection), method: 'GET', url: '/', httpStatus: '200' });

/** The collection sources.geojson answers for these sources, as an object (its bbox worked out here, not by the code under test). */
export function collectionOf(sources: Source[]) {
  const features = sources.map(feature);
  const points = features.map((f) => f.geometry.coordinates);
  const bbox = points.length
    ? [Math.min(...points.map((p) => p[0]!)), Math.min(...points.map((p) => p[1]!)), Math.max(...points.map((p) => p[0]!)), Math.max(...points.map((p) => p[1]!))]
    : undefined;
  return { ...(bbox ? { bbox } : {}), type: 'FeatureCollection', features };
}

/** The clusters a refresh has not given their stored answer. */
export async function unanswered(db: Queryable) {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM source_clusters WHERE answer_json IS NULL OR answer_name IS NULL OR answer_persistence IS NULL`);
  return row!.n;
}

/**
 * sources.geojson and sources/aggregate, which answer whole clusters from their stored answers,
 * give the bytes and figures of clustering on demand (`fresh`).
 */
export async function expectListsExact(db: Database, query: SourceQuery, fresh: Source[], answers: 'all answered' | 'answers may be missing' = 'all answered') {
  expect(await sourcesGeojson(db, query, ANONYMOUS), JSON.stringify(query)).toBe(serializeCollection(collectionOf(fresh)));
  expect(await aggregateBySector(db, query, ANONYMOUS), JSON.stringify(query)).toEqual(sectorAggregates(fresh));
  if (answers === 'all answered') expect(await unanswered(db), JSON.stringify(query)).toBe(0);
}
