import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { viewerOf } from '../viewer.js';
import { AnnotatedScenesQuery, DownloadQuery, Scene, SceneCollection, ScenePage, SceneFilterQuery, ScenesQuery } from './scenes.schemas.js';
import * as scenes from './scenes.service.js';

const TAGS = ['catalog'];
const errors = { 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
const withNotFound = { 404: ErrorSchemas.plume, ...errors };
const scoped = { scopes: ['catalog:read' as const] };
const optional = { auth: 'optional' as const };
const file = (type: string) => ({ description: type, content: { [type]: { schema: Type.String() } } });

export default async function sceneRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const download = async (query: Static<typeof DownloadQuery>, request: FastifyRequest) => (await scenes.listScenes(app.db, scenes.toSceneFilter(query), viewerOf(request), query)).items;

  app.get(
    '/scenes',
    { config: scoped, schema: { operationId: 'listScenes', tags: TAGS, summary: 'Scenes with their plume counts, by the scene filter set', querystring: ScenesQuery, response: { 200: ScenePage, ...errors } } },
    (request) => scenes.listScenes(app.db, scenes.toSceneFilter(request.query), viewerOf(request), request.query),
  );

  app.get(
    '/scenes/annotated',
    {
      config: optional,
      schema: { operationId: 'listAnnotatedScenes', tags: TAGS, summary: 'Published, assessed scenes with cloud cover ≤ 25 % (or your threshold): usable for null detections', querystring: AnnotatedScenesQuery, response: { 200: ScenePage, ...errors } },
    },
    (request) => scenes.listScenes(app.db, scenes.toAnnotatedFilter(request.query), viewerOf(request), request.query),
  );

  app.get(
    '/scenes/dates',
    {
      config: scoped,
      schema: { operationId: 'sceneDates', tags: TAGS, summary: 'UTC dates with scenes, newest first', response: { 200: Type.Array(Type.Object({ date: Type.String({ format: 'date' }), scene_count: Type.Integer(), instruments: Type.Array(Type.String()) })), ...errors } },
    },
    (request) => scenes.sceneDates(app.db, viewerOf(request)),
  );

  app.get(
    '/scene/:scene_id',
    { config: scoped, schema: { operationId: 'getScene', tags: TAGS, summary: 'Scene Get', params: Type.Object({ scene_id: Type.String({ maxLength: 64 }) }), response: { 200: Scene, ...withNotFound } } },
    (request) => scenes.getScene(app.db, request.params.scene_id, viewerOf(request)),
  );

  app.get(
    '/scene-count',
    { config: scoped, schema: { operationId: 'sceneCount', tags: TAGS, summary: 'How many scenes match the scene filter set', querystring: SceneFilterQuery, response: { 200: Type.Integer(), ...errors } } },
    (request) => scenes.countMatching(app.db, scenes.toSceneFilter(request.query), viewerOf(request)),
  );

  app.get(
    '/mql-scene-count',
    { config: scoped, schema: { operationId: 'mqlSceneCount', tags: TAGS, summary: 'Scenes awaiting assessment (published, neither assessed nor do-not-assess)', response: { 200: Type.Integer(), ...errors } } },
    (request) => scenes.mqlSceneCount(app.db, viewerOf(request)),
  );

  app.get(
    '/can-complete-scene/:scene_id',
    { config: scoped, schema: { operationId: 'canCompleteScene', tags: TAGS, summary: 'Whether none of the scene’s plumes still awaits review (status valid)', params: Type.Object({ scene_id: Type.String({ maxLength: 64 }) }), response: { 200: Type.Boolean(), ...withNotFound } } },
    (request) => scenes.canCompleteScene(app.db, request.params.scene_id, viewerOf(request)),
  );

  app.get(
    '/download-scenes',
    {
      config: { ...scoped, download: true },
      schema: { operationId: 'downloadScenes', tags: TAGS, summary: 'Scenes Download Internal: the filtered scenes as a GeoJSON FeatureCollection with its bbox', querystring: DownloadQuery, response: { 200: SceneCollection, ...errors } },
    },
    async (request) => scenes.scenesGeojson(await download(request.query, request)),
  );

  // Our addition: the page offers no scene CSV; the CSV that download-scenes used to answer lives here, beside the other scene files.
  app.get(
    '/download/scenes.csv',
    { config: { ...scoped, download: true }, schema: { operationId: 'downloadScenesCsv', tags: TAGS, summary: 'Scenes as CSV (formula-safe)', querystring: DownloadQuery, response: { 200: file('text/csv'), ...errors } } },
    async (request, reply) =>
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="scenes.csv"').send(scenes.scenesCsv(await download(request.query, request)) as never),
  );

  app.get(
    '/download/scenes.geojson',
    { config: { ...scoped, download: true }, schema: { operationId: 'downloadScenesGeojson', tags: TAGS, summary: 'Scene footprints as GeoJSON', querystring: DownloadQuery, response: { 200: file('application/json'), ...errors } } },
    async (request, reply) =>
      reply.type('application/json').header('content-disposition', 'attachment; filename="scenes.geojson"').send(JSON.stringify(scenes.scenesGeojson(await download(request.query, request))) as never),
  );

  app.get(
    '/download/scenes.gpkg',
    { config: { ...scoped, download: true }, schema: { operationId: 'downloadScenesGpkg', tags: TAGS, summary: 'Scene footprints as a GeoPackage (opens in GDAL and QGIS)', querystring: DownloadQuery, response: { 200: file('application/geopackage+sqlite3'), ...errors } } },
    async (request, reply) => {
      const found = await download(request.query, request);
      return reply
        .type('application/geopackage+sqlite3')
        .header('content-disposition', 'attachment; filename="scenes.gpkg"')
        .send(Buffer.from(await scenes.scenesGeoPackage(app.db, found)) as never);
    },
  );

  app.get(
    '/download/scenes.gml',
    { config: { ...scoped, download: true }, schema: { operationId: 'downloadScenesGml', tags: TAGS, summary: 'Scene footprints as GML 3.2', querystring: DownloadQuery, response: { 200: file('application/gml+xml'), ...errors } } },
    async (request, reply) =>
      reply.type('application/gml+xml; version=3.2').header('content-disposition', 'attachment; filename="scenes.gml"').send(scenes.scenesGml(await download(request.query, request)) as never),
  );
}
