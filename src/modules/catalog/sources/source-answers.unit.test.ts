import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ANSWER_LOGIC, ANSWER_VERSION, storedAnswer } from './source-answers.js';
import type { ClusterRow } from './sources.queries.js';

/**
 * A cluster with what makes describe() and the serializer work: days out of order and repeated,
 * null and extreme figures, a name that needs escaping, scene dates out of order and shared with
 * a detection.
 */
const CLUSTER: ClusterRow = {
  gas: 'CH4',
  sector: '1B2',
  srid: 32613,
  cluster: 7,
  plume_count: 4,
  plume_ids: ['GAO20240101t100000p0000-A', 'GAO20240101t110000p0000-B', 'emi20240105t120000p0001-C', 'tan20240103t000000p0000-"\\\u2028'],
  plume_uuids: null,
  longitude: -102.123456789,
  latitude: 31.987654321,
  timestamp_min: new Date('2024-01-01T10:00:00.123Z'),
  timestamp_max: new Date('2024-01-05T12:00:00Z'),
  published_at_min: null,
  published_at_max: new Date('2024-02-01T00:00:00Z'),
  plume_days: ['2024-01-01', '2024-01-01', '2024-01-05', '2024-01-03'],
  emissions: [100.5, null, 0.1 + 0.2, 5e-7],
  uncertainties: [10, 20, null, 1.5e21],
  scene_dates: ['2024-01-02', '2023-12-31', '2024-01-05'],
};

/** The other branches: one plume, no sector ('NULL'), no known figure, no scene, the southern hemisphere. */
const LONE: ClusterRow = {
  gas: 'CO2',
  sector: 'NULL',
  srid: 32733,
  cluster: 8,
  plume_count: 1,
  plume_ids: ['tan20230615t083000p0000-A'],
  plume_uuids: null,
  longitude: 13.000004999,
  latitude: -8.5,
  timestamp_min: new Date('2023-06-15T08:30:00Z'),
  timestamp_max: new Date('2023-06-15T08:30:00Z'),
  published_at_min: new Date('2023-07-01T00:00:00Z'),
  published_at_max: new Date('2023-07-01T00:00:00Z'),
  plume_days: ['2023-06-15'],
  emissions: [null],
  uncertainties: [null],
  scene_dates: null,
};

/**
 * What the refresh stores for CLUSTER and LONE under each ANSWER_LOGIC. Stored answers are rewritten only
 * when the version changes (decision 0046): a change to what a source answers (describe(),
 * feature(), source-name.ts, the serializer) that kept the same ANSWER_LOGIC would leave every
 * stored answer as the old code wrote it.
 */
const ANSWER_HASHES: Record<number, string> = {
  1: '7e61502e15f37c7297bb4f7348a076cf0f6e20b41e77054c342f79c19343d04e',
};

describe('stored source answers (decision 0046)', () => {
  it('change only with ANSWER_LOGIC: bump it and record the new hash when a source answers differently', () => {
    const answers = [storedAnswer(CLUSTER, 100), storedAnswer(LONE, 100)];
    const hash = createHash('sha256').update(JSON.stringify(answers)).digest('hex');
    expect(hash, 'what a source answers changed: bump ANSWER_LOGIC in source-answers.ts and record this hash for it').toBe(ANSWER_HASHES[ANSWER_LOGIC]);
    expect(ANSWER_VERSION.startsWith(`${ANSWER_LOGIC}:`)).toBe(true);
  });

  it('stores the Feature as its serializer writes it, with the figures the lists sort and sum by', () => {
    const answer = storedAnswer(CLUSTER, 100);
    const feature = JSON.parse(answer.answer_json!);
    expect(feature.properties.source_name).toBe('CH4_1B2_100m_-102.12346_31.98765');
    expect(answer.answer_name).toBe(feature.properties.source_name);
    expect(feature.geometry.coordinates).toEqual([-102.12346, 31.98765]);
    // Three detection days of five observation dates (two scene-only dates, one shared).
    expect(feature.properties.detection_date_count).toBe(3);
    expect(feature.properties.observation_date_count).toBe(5);
    expect(answer.answer_persistence).toBe(3 / 5);
    expect(feature.properties.persistence).toBe(answer.answer_persistence);
    // Daily means: 100.5 (the null left out), 5e-7 (01-03), 0.30000000000000004 (01-05).
    expect(answer.answer_emission).toBe(((100.5 + 5e-7 + (0.1 + 0.2)) / 3) * (3 / 5));
    expect(feature.properties.emission_auto).toBe(answer.answer_emission);
    expect(feature.properties.plume_ids[3]).toBe('tan20240103t000000p0000-"\\\u2028');
    expect(answer.cluster).toBe(7);
  });

  it('stores a lone plume without figures as null emissions and a persistence of 1', () => {
    const answer = storedAnswer(LONE, 100);
    const feature = JSON.parse(answer.answer_json!);
    expect(answer.answer_name).toBe('CO2_NULL_100m_13.00000_-8.50000');
    expect([answer.answer_emission, answer.answer_uncertainty, answer.answer_persistence]).toEqual([null, null, 1]);
    expect(feature.properties).toMatchObject({ plume_count: 1, emission_auto: null, emission_uncertainty_auto: null, detection_date_count: 1, observation_date_count: 1 });
  });
});
