import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/test-app.js';
import { insertScenes, upsertPlumes, type PlumeValues } from '../catalog-writes.queries.js';
import { fixturePlume, SCENES } from '../catalog.fixture.js';
import { ANONYMOUS, plumeLetter } from '../plume-filter.js';
import { ANSWER_VERSION } from './source-answers.js';
import { refreshSourceClusters } from './source-cluster-refresh.queries.js';
import { collectionOf, expectListsExact, serializeCollection, unanswered } from './source-lists.fixture.js';
import { aggregateBySector, backgroundRebuildsSettled, listSources, sourcesGeojson, type SourceQuery } from './sources.service.js';

/*
 * Migration 0060 stores each maintained cluster's answer as the lists send it (decision 0046).
 * These tests write into the stored answers to see where they are served, and where not, and how
 * other writes and another version of the code drop them. (source-clusters.test.ts holds the
 * lists to clustering on demand after random changes.)
 */
let ctx: TestContext;
let plumes: PlumeValues[];
const METRE = 1 / 85_000; // about a metre of longitude at 40.7°N

beforeAll(async () => {
  ctx = await createTestContext();
  const acme = await ctx.organization('Acme');
  await insertScenes(ctx.db, SCENES, null);
  // Two sources of 6A plumes 40 m apart in a chain, one of 1B2, one of CO2, in the published scenes.
  const at = (n: number, longitude: number, values: Partial<PlumeValues>) => fixturePlume(acme.id, crypto.randomUUID(), n % 5, plumeLetter(n), {
    longitude, latitude: 40.7, status: 'published', published_at: new Date('2024-03-01T00:00:00Z'), emission_auto: 100 + n * 10, emission_uncertainty_auto: 5 + n, ...values,
  });
  plumes = [
    ...[0, 1, 2, 3].map((n) => at(n, -74 + n * 40 * METRE, { gas: 'CH4', sector: '6A' })),
    ...[4, 5].map((n) => at(n, -74.01 + n * 40 * METRE, { gas: 'CH4', sector: '6A' })),
    ...[6, 7, 8].map((n) => at(n, -74.005 + n * 30 * METRE, { gas: 'CH4', sector: '1B2' })),
    at(9, -74.02, { gas: 'CO2', sector: null, emission_auto: null }),
  ];
  await upsertPlumes(ctx.db, plumes);
  await refreshSourceClusters(ctx.db);
});
afterAll(async () => {
  await backgroundRebuildsSettled();
  await ctx?.close();
});

describe('stored source answers (migration 0060)', () => {
  it('answers whole clusters from their stored answers, which any other write to the cluster or another version drops', async () => {
    const everything = { eps: 100, minpoints: 1, status: 'not_deleted' } as SourceQuery;
    const before = await sourcesGeojson(ctx.db, everything, ANONYMOUS);
    expect(await unanswered(ctx.db)).toBe(0);
    const [target] = await ctx.db.query<{ id: number; answer_json: string }>(sql`SELECT id, answer_json FROM source_clusters ORDER BY plume_count DESC, id LIMIT 1`);
    const answerOf = async () => (await ctx.db.query<{ answer_json: string | null; answer_name: string | null; answer_persistence: number | null }>(
      sql`SELECT answer_json, answer_name, answer_persistence FROM source_clusters WHERE id = ${target!.id}`))[0];
    const mark = () => ctx.db.query(sql`UPDATE source_clusters SET answer_json = replace(answer_json, '"type":"Feature"', '"type":"Feature","marker":1') WHERE id = ${target!.id}`);
    // The stored answer is what the list sends: a marker written into one shows in the next answer,
    // over HTTP as the service wrote it; so does a filter that keeps the cluster whole and its
    // scene dates as stored (its sector), but not one that narrows the dates (time, instrument).
    await mark();
    expect(await sourcesGeojson(ctx.db, everything, ANONYMOUS)).toContain('"marker":1');
    const response = await ctx.request({ method: 'GET', url: '/api/v1/catalog/sources.geojson' });
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).toBe(await sourcesGeojson(ctx.db, everything, ANONYMOUS));
    const [{ sector }] = (await ctx.db.query<{ sector: string }>(sql`SELECT sector FROM source_clusters WHERE id = ${target!.id}`)) as [{ sector: string }];
    expect(await sourcesGeojson(ctx.db, { ...everything, sectors: [sector] } as SourceQuery, ANONYMOUS)).toContain('"marker":1');
    for (const narrowed of [{ datetime: '2000-01-01T00:00:00Z/2100-01-01T00:00:00Z' }, { instruments: ['GAO'] }]) {
      const text = await sourcesGeojson(ctx.db, { ...everything, ...narrowed } as SourceQuery, ANONYMOUS);
      expect(text).toContain((await answerOf())!.answer_name);
      expect(text).not.toContain('"marker":1');
    }
    // sources/aggregate sums the stored figures (written with the answer, or the trigger drops them).
    const emissionSum = async () => (await aggregateBySector(ctx.db, everything, ANONYMOUS)).find((a) => a.sector === sector)!.emission_sum;
    const summed = await emissionSum();
    await ctx.db.query(sql`UPDATE source_clusters SET answer_emission = coalesce(answer_emission, 0) + 1e9, answer_json = answer_json || ' ' WHERE id = ${target!.id}`);
    expect(await emissionSum()).toBeGreaterThan(summed + 0.9e9);
    // Answers written by another version of the code are not served: the clusters are described
    // from their arrays until a refresh off the requests' path writes every answer anew.
    // On PostgreSQL that read also asked for a rewrite in the background (once per process).
    await ctx.db.query(sql`UPDATE source_cluster_state SET answer_version = 'another'`);
    expect(await sourcesGeojson(ctx.db, everything, ANONYMOUS)).toBe(before);
    // So is a change pending when the label is another version's: the reader's refresh writes no answer under it.
    // (The lone CO2 plume: the target, the largest cluster, keeps its id through the refresh.)
    await ctx.db.query(sql`UPDATE plumes SET emission_auto = coalesce(emission_auto, 0) + 7 WHERE id = ${plumes[9]!.id}`);
    const fresh = await listSources(ctx.db, everything, ANONYMOUS, { onDemand: true });
    await expectListsExact(ctx.db, everything, fresh, 'answers may be missing');
    await backgroundRebuildsSettled();
    await refreshSourceClusters(ctx.db);
    expect((await ctx.db.query<{ v: string }>(sql`SELECT answer_version AS v FROM source_cluster_state`))[0]!.v).toBe(ANSWER_VERSION);
    expect((await answerOf())!.answer_json).not.toContain('"marker":1');
    const after = await sourcesGeojson(ctx.db, everything, ANONYMOUS);
    expect(after).toBe(serializeCollection(collectionOf(fresh)));
    // An update that does not write the answer, or clears it, drops all of it: the cluster is
    // described from its arrays, and the next refresh writes its answer again.
    for (const drop of [sql`UPDATE source_clusters SET scene_dates = scene_dates WHERE id = ${target!.id}`, sql`UPDATE source_clusters SET answer_json = NULL WHERE id = ${target!.id}`]) {
      await mark();
      await ctx.db.query(drop);
      expect(await answerOf()).toEqual({ answer_json: null, answer_name: null, answer_persistence: null });
      expect(await sourcesGeojson(ctx.db, everything, ANONYMOUS)).toBe(after);
      await refreshSourceClusters(ctx.db);
      expect(await unanswered(ctx.db)).toBe(0);
      expect(await sourcesGeojson(ctx.db, everything, ANONYMOUS)).toBe(after);
    }
  });
});
