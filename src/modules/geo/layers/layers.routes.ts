import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import multipart, { type MultipartFile } from '@fastify/multipart';
import { Type } from 'typebox';
import { callerOf } from '../../../platform/auth/auth-plugin.js';
import { logBackgroundFailure } from '../../../platform/db/database-errors.js';
import { PayloadTooLargeError } from '../../../platform/errors.js';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { layerDownload, DOWNLOAD_TYPES } from './layer-download.js';
import fileRoutes from './layer-files.routes.js';
import { createGridLayer } from './layer-grid.js';
import { startLayerImportWorker } from './layer-import.js';
import { configuredBlobStore } from '../../../platform/storage/configured-blob-store.js';
import { CreateLayerForm, DownloadQuery, FeaturePage, FeaturesQuery, GridBody, Layer, LayerId, LayersQuery, UpdateLayerForm, type UploadedFile } from './layers.schemas.js';
import * as layers from './layers.service.js';

const TAGS = ['layers'];
const errors = { 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 404: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
const writeErrors = { ...errors, 409: ErrorSchemas.plume, 413: ErrorSchemas.plume };
const read = { scopes: ['geo:read' as const] };
const write = { scopes: ['geo:write' as const] };
const FORM = ['multipart/form-data', 'application/json'];

/** The page's uploaded vector layers: create from a file, list, features, downloads, grids. */
export default async function layersRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const limit = app.config.LAYER_UPLOAD_LIMIT_BYTES;
  const store = configuredBlobStore(app.config);
  const viewer = (request: FastifyRequest) => layers.layerViewer(callerOf(request));

  // Forms (name, organization, …, file) become the body: one file of at most `limit` bytes, in memory.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: limit, files: 1, fields: 20, fieldSize: 65_536, parts: 21 },
    async onFile(part: MultipartFile) {
      try {
        const file: UploadedFile = { filename: part.filename, bytes: await part.toBuffer() };
        (part as { value?: unknown }).value = file;
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new PayloadTooLargeError(`Layer uploads are limited to ${limit} bytes.`);
        throw error;
      }
    },
  });

  const workers = Array.from({ length: app.config.IMPORT_WORKERS }, () => startLayerImportWorker(app.db, app.config, (error) => logBackgroundFailure(app.log, 'layer import worker', error)));
  app.addHook('preClose', async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
  });
  const wake = () => workers[0]?.wake();

  app.get(
    '/layers/layers',
    { config: read, schema: { operationId: 'listLayers', tags: TAGS, summary: 'Get Layer List: the layers you may see, newest first', querystring: LayersQuery, response: { 200: Type.Array(Layer), ...errors } } },
    (request) => layers.listLayers(app.db, request.query, viewer(request)),
  );

  app.post(
    '/layers/layer/form',
    {
      config: write,
      schema: {
        operationId: 'createLayer', tags: TAGS, consumes: FORM,
        summary: 'Create a Layer using a file upload (multipart/form-data): answered at once with status 1 (processing); the import sets 0 (ready) or 2 (failed, with status_detail)',
        body: CreateLayerForm, response: { 200: Layer, ...writeErrors },
      },
    },
    async (request) => {
      const layer = await layers.createLayer(app.db, store, callerOf(request), request.body);
      wake();
      return layer;
    },
  );

  app.post(
    '/layers/layers/grid',
    {
      config: write,
      schema: {
        operationId: 'createGridLayer', tags: TAGS,
        summary: 'Create a Grid Layer: points of a regular grid (spacing metres apart, default 1000) within buffer_distance metres of the source layers’ features',
        body: GridBody, response: { 201: Layer, ...writeErrors },
      },
    },
    async (request, reply) => reply.status(201).send(await createGridLayer(app.db, callerOf(request), request.body)),
  );

  app.get(
    '/layers/layer/name-available',
    {
      config: read,
      schema: {
        operationId: 'layerNameAvailable', tags: TAGS, summary: 'Check Name Available: true when no layer has the name (in any case) and it keeps the name rules',
        querystring: Type.Object({ name: Type.String({ maxLength: 1024 }) }), response: { 200: Type.Boolean(), ...errors },
      },
    },
    (request) => layers.nameAvailable(app.db, request.query.name),
  );

  app.post(
    '/layers/layer/:layer_id/form',
    {
      config: write,
      schema: {
        operationId: 'updateLayer', tags: TAGS, consumes: FORM,
        summary: 'Update a Layer (multipart/form-data or JSON): change its fields, or add a file whose features join the layer (status 1 until imported)',
        params: LayerId, body: UpdateLayerForm, response: { 200: Layer, ...writeErrors },
      },
    },
    async (request) => {
      const layer = await layers.updateLayer(app.db, store, callerOf(request), request.params.layer_id, request.body ?? {});
      wake();
      return layer;
    },
  );

  app.get(
    '/layers/layer/:layer_id',
    { config: read, schema: { operationId: 'getLayer', tags: TAGS, summary: 'Get Layer', params: LayerId, response: { 200: Layer, ...errors } } },
    async (request) => layers.layerView(await layers.getLayer(app.db, request.params.layer_id, viewer(request))),
  );

  app.delete(
    '/layers/layer/:layer_id',
    { config: write, schema: { operationId: 'deleteLayer', tags: TAGS, summary: 'Delete a Layer with its features and files', params: LayerId, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await layers.deleteLayer(app.db, request.params.layer_id, viewer(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/layers/layer/:layer_id/features',
    {
      config: read,
      schema: { operationId: 'layerFeatures', tags: TAGS, summary: 'Get paginated features for a specific layer (GeoJSON Features with their ids)', params: LayerId, querystring: FeaturesQuery, response: { 200: FeaturePage, ...errors } },
    },
    (request) => layers.layerFeatures(app.db, request.params.layer_id, request.query, viewer(request)),
  );

  app.get(
    '/layers/layer/:layer_id/download',
    {
      config: { ...read, download: true },
      schema: {
        operationId: 'downloadLayer', tags: TAGS, summary: 'Download Layer as GeoJSON, a zipped Shapefile, a GeoPackage or GML 3.2',
        params: LayerId, querystring: DownloadQuery,
        response: { 200: { description: 'the file', content: Object.fromEntries(Object.values(DOWNLOAD_TYPES).map(({ type }) => [type.split(';')[0]!, { schema: Type.String() }])) }, ...errors },
      },
    },
    async (request, reply) => {
      const layer = await layers.getLayer(app.db, request.params.layer_id, viewer(request));
      const { format } = request.query;
      const body = await layerDownload(app.db, { id: Number(layer.id), name: layer.name, schema: layer.schema }, format);
      return reply
        .type(DOWNLOAD_TYPES[format].type)
        .header('content-disposition', `attachment; filename="${layer.name}.${DOWNLOAD_TYPES[format].extension}"`)
        .send((typeof body === 'string' ? body : Buffer.from(body)) as never);
    },
  );

  await app.register(fileRoutes, { store });
}
