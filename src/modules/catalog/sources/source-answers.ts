import { createHash } from 'node:crypto';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { nullableAsTypeArrays } from '../../../platform/http/nullable-type-arrays.js';
import { dailyDetections, observationDatesOf, sourceFigures, sourceName } from './source-name.js';
import type { ClusterRow, StoredAnswer } from './sources.queries.js';
import { SourceCollection, SourceFeature } from './sources.schemas.js';

/*
 * What a source answers, from its cluster row: described from its plumes' arrays, or, for a
 * maintained cluster a read takes whole, as the refresh stored it (migration 0060, decision 0046).
 * Both come from describe() and feature() below, so the two are the same bytes.
 */

/** A Feature's [longitude, latitude]: its centre to 5 decimals (about a metre). */
const coordinatesOf = (row: { longitude: number; latitude: number }): [number, number] => [Number(row.longitude.toFixed(5)), Number(row.latitude.toFixed(5))];

/** A cluster with its figures: what every source endpoint answers. */
export function describe(row: ClusterRow, eps: number) {
  const days = dailyDetections(row.plume_days, row.emissions, row.uncertainties);
  const detectionDates = days.map((d) => d.date);
  const observationDates = observationDatesOf(row.scene_dates ?? [], detectionDates);
  const figures = sourceFigures(days, observationDates.length);
  const name = sourceName({ gas: row.gas, sector: row.sector, eps, longitude: row.longitude, latitude: row.latitude });
  return { row, name, days, detectionDates, observationDates, figures };
}

export type Source = ReturnType<typeof describe>;

/** A source as a GeoJSON Feature: the sources.geojson item; its properties are the source object's `source`. */
export function feature(source: Source) {
  const { row, figures } = source;
  return {
    type: 'Feature' as const,
    geometry: { type: 'Point' as const, coordinates: coordinatesOf(row) },
    properties: {
      source_name: source.name,
      gas: row.gas,
      sector: row.sector,
      plume_count: row.plume_count,
      plume_ids: row.plume_ids,
      emission_auto: figures.emission,
      emission_uncertainty_auto: figures.emission_uncertainty,
      timestamp_min: row.timestamp_min.toISOString(),
      timestamp_max: row.timestamp_max.toISOString(),
      published_at_min: row.published_at_min?.toISOString() ?? null,
      published_at_max: row.published_at_max?.toISOString() ?? null,
      detection_date_count: source.detectionDates.length,
      observation_date_count: source.observationDates.length,
      persistence: figures.persistence,
    },
  };
}

/** The lists' order: largest emission first (unknown last), then by name. */
export const byEmission = (a: { name: string; figures: { emission: number | null } }, b: { name: string; figures: { emission: number | null } }) =>
  (b.figures.emission ?? -1) - (a.figures.emission ?? -1) || a.name.localeCompare(b.name);


/**
 * Bump when describe(), feature() or the figures they use (source-name.ts) change what a source
 * answers (source-answers.unit.test.ts fails until then): stored answers of another version are
 * not served, and the next maintenance refresh rewrites them. A change to the Feature's schema
 * changes the version by itself.
 */
export const ANSWER_LOGIC = 1;
export const ANSWER_VERSION = `${ANSWER_LOGIC}:${createHash('sha256').update(JSON.stringify([SourceFeature, SourceCollection])).digest('base64url').slice(0, 22)}`;

/** The route's serializers (fast-json-stringify, nullable primitives as type arrays, as every route's). */
const compile = SerializerSelector()(undefined, {});
const serializerOf = (schema: object) => compile({ schema: nullableAsTypeArrays(schema), method: 'GET', url: '/api/v1/catalog/sources.geojson', httpStatus: '200' });
const serializeFeature = serializerOf(SourceFeature) as (value: ReturnType<typeof feature>) => string;
const serializeCollection = serializerOf(SourceCollection) as (value: { bbox?: number[]; type: 'FeatureCollection'; features: never[] }) => string;

/** A source as sources.geojson and sources/aggregate take it. */
export interface ListedSource {
  name: string;
  row: { sector: string; plume_count: number };
  figures: { persistence: number; emission: number | null; emission_uncertainty: number | null };
  coordinates: [number, number];
  /** Its sources.geojson Feature, as the route's serializer writes it. */
  json(): string;
}

function listedFrom(source: Source): ListedSource {
  return { name: source.name, row: source.row, figures: source.figures, coordinates: coordinatesOf(source.row), json: () => serializeFeature(feature(source)) };
}

/** A cluster row as the lists take it: its stored answer when the read took one, else described from its arrays. */
export function listed(row: ClusterRow, eps: number): ListedSource {
  const { answer_name: name, answer_persistence: persistence } = row;
  if (name == null || persistence == null) return listedFrom(describe(row, eps));
  const figures = { persistence, emission: row.answer_emission ?? null, emission_uncertainty: row.answer_uncertainty ?? null };
  return {
    name,
    row,
    figures,
    coordinates: coordinatesOf(row),
    json: () => {
      if (row.answer_json == null) throw new Error(`Source ${name} was read without its stored Feature`);
      return row.answer_json;
    },
  };
}

/** The features' place in the collection as its serializer writes it with none (it writes required keys first, bbox last). */
const NO_FEATURES = '"features":[]';

/** sources.geojson's text: the collection as its serializer writes it, the features' texts in place of its empty list. */
export function collectionText(sources: ListedSource[]): string {
  const bbox = extent(sources.map((s) => s.coordinates));
  const empty = serializeCollection({ ...(bbox ? { bbox } : {}), type: 'FeatureCollection', features: [] });
  const at = empty.indexOf(NO_FEATURES);
  if (at < 0) throw new Error('The collection serializer no longer writes an empty feature list as expected');
  return `${empty.slice(0, at)}"features":[${sources.map((s) => s.json()).join(',')}]${empty.slice(at + NO_FEATURES.length)}`;
}

/** The extent [west, south, east, north] of points, or undefined for none (GeoJSON's bbox is then left out). */
function extent(points: number[][]): [number, number, number, number] | undefined {
  if (!points.length) return undefined;
  const xs = points.map((p) => p[0]!);
  const ys = points.map((p) => p[1]!);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** What the refresh stores of a maintained cluster (eps `eps`), read with its arrays. */
export function storedAnswer(row: ClusterRow, eps: number): StoredAnswer & { cluster: number } {
  const source = describe(row, eps);
  return {
    cluster: row.cluster,
    answer_json: serializeFeature(feature(source)),
    answer_name: source.name,
    answer_emission: source.figures.emission,
    answer_uncertainty: source.figures.emission_uncertainty,
    answer_persistence: source.figures.persistence,
  };
}
