import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf } from '../../../platform/auth/auth-plugin.js';
import { ForbiddenError, NotFoundError } from '../../../platform/errors.js';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { urlSigner, type BlobStore } from '../../../platform/storage/blob-store.js';
import * as files from './layer-files.queries.js';
import { FileId, FilePage, FilesQuery, LayerFile, LayerId } from './layers.schemas.js';
import { getLayer, layerViewer } from './layers.service.js';

const TAGS = ['layers'];
const errors = { 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 404: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
const read = { scopes: ['geo:read' as const] };
const CONTENT_TYPES: Record<string, string> = { geojson: 'application/json', shp: 'application/zip', gpkg: 'application/geopackage+sqlite3', kml: 'application/vnd.google-earth.kml+xml', kmz: 'application/vnd.google-earth.kmz', csv: 'text/csv' };

/** The original uploads of layers, behind signed, expiring URLs (as the catalog's assets). */
export default async function layerFileRoutes(instance: FastifyInstance, options: { store: BlobStore }) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = options;
  const signer = urlSigner(app.deriveKey('geo-layer-files'));
  const ttl = app.config.ASSET_URL_TTL;
  const viewer = (request: FastifyRequest) => layerViewer(callerOf(request));

  const fileView = async (row: files.LayerFileRow) => {
    let url: string;
    if (store.signedUrl) url = await store.signedUrl(row.blob_key, ttl);
    else {
      const { expires, signature } = signer.sign(row.id, ttl);
      url = `/api/v1/layers/file/${row.id}/content?expires=${expires}&signature=${signature}`;
    }
    return {
      layer: { id: Number(row.layer_id), name: row.layer_name, verbose_name: row.layer_verbose_name, bounds: row.layer_bounds ?? [] },
      file_name: row.file_name,
      file_url: url,
      id: Number(row.id),
      status: row.status,
      status_detail: row.status_detail,
      feature_count: row.feature_count,
      created: row.created_at.toISOString(),
      modified: row.updated_at.toISOString(),
    };
  };

  app.get(
    '/layers/files',
    { config: read, schema: { operationId: 'listLayerFiles', tags: TAGS, summary: 'List uploaded Layer Files of the layers you may see, newest first', querystring: FilesQuery, response: { 200: FilePage, ...errors } } },
    async (request) => {
      const { rows, count } = await files.selectVisibleFiles(app.db, viewer(request), request.query);
      return { items: await Promise.all(rows.map(fileView)), count };
    },
  );

  app.get(
    '/layers/layer/:layer_id/files',
    { config: read, schema: { operationId: 'listFilesOfLayer', tags: TAGS, summary: 'List Files for a Specific Layer', params: LayerId, querystring: FilesQuery, response: { 200: FilePage, ...errors } } },
    async (request) => {
      await getLayer(app.db, request.params.layer_id, viewer(request));
      const { rows, count } = await files.selectVisibleFiles(app.db, viewer(request), request.query, request.params.layer_id);
      return { items: await Promise.all(rows.map(fileView)), count };
    },
  );

  app.get(
    '/layers/file/:file_id',
    { config: read, schema: { operationId: 'getLayerFile', tags: TAGS, summary: 'Get Layer File Details, with a signed download URL valid ASSET_URL_TTL seconds', params: FileId, response: { 200: LayerFile, ...errors } } },
    async (request) => {
      const row = await files.selectVisibleFile(app.db, request.params.file_id, viewer(request));
      if (!row) throw new NotFoundError(`Layer file ${request.params.file_id} not found.`);
      return fileView(row);
    },
  );

  // Our addition: where a file_url points when the server signs its own URLs (no S3).
  app.get(
    '/layers/file/:file_id/content',
    {
      config: { auth: 'none' },
      schema: {
        operationId: 'getLayerFileContent', tags: TAGS, summary: 'The original upload behind a signed file_url (no credentials: the signature is the permission)',
        params: FileId, querystring: Type.Object({ expires: Type.Integer(), signature: Type.String({ maxLength: 100 }) }),
        response: { 200: { description: 'the file', content: { 'application/octet-stream': { schema: Type.String() } } }, ...errors },
      },
    },
    async (request, reply) => {
      const { file_id: id } = request.params;
      if (!signer.verify(String(id), request.query.expires, request.query.signature)) throw new ForbiddenError('This file link is invalid or has expired.');
      const file = await files.selectFileForImport(app.db, id);
      const blob = file && (await store.open(file.blob_key));
      if (!file || !blob) throw new NotFoundError('The file is gone.');
      return reply
        .type(CONTENT_TYPES[file.format] ?? 'application/octet-stream')
        .header('content-length', blob.size)
        .header('content-disposition', `attachment; filename="${file.file_name.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
        .header('cache-control', 'private, max-age=300')
        .send(blob.stream as never);
    },
  );
}
