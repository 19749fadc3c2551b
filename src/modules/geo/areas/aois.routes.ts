import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import { callerOf } from '../../../platform/auth/auth-plugin.js';
import type { AreaCaller } from '../../../platform/areas.js';
import { UnsupportedMediaTypeError } from '../../../platform/errors.js';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import * as aois from './aois.service.js';
import { Aoi, AoiBody, AoiCreated, AoiForm, AoiListQuery, AoiPage, AoiParams, AOI_UPLOAD_BYTES, MultiPolygon, type UploadedFile } from './areas.schemas.js';

const TAGS = ['geo'];
const errors = { 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
const read = { scopes: ['geo:read' as const] };
const write = { scopes: ['geo:write' as const] };

/** The caller's organization (if it acts for one) and user (if signed in): an AOI's owners and viewers. */
function areaCallerOf(request: FastifyRequest): AreaCaller {
  const principal = callerOf(request);
  return { organizationId: principal.organizationId, userId: principal.userId };
}

/** Areas of interest: the plume platform's `layers/aoi` pages. */
export default async function aoiRoutes(instance: FastifyInstance) {
  // Multipart only here: one file of at most 10 MiB and a few short fields, buffered as it arrives.
  await instance.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: AOI_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 16_384, parts: 12 },
    async onFile(part) {
      const file: UploadedFile = { filename: part.filename, bytes: await part.toBuffer() };
      (part as unknown as { value: UploadedFile }).value = file;
    },
  });
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/layers/aoi',
    {
      config: write,
      bodyLimit: AOI_UPLOAD_BYTES,
      schema: { operationId: 'createAoi', tags: TAGS, summary: 'Create an AOI from a GeoJSON Polygon or MultiPolygon (made valid, stored as one MultiPolygon)', body: AoiBody, response: { 200: AoiCreated, 413: ErrorSchemas.plume, ...errors } },
    },
    (request) => aois.createAoi(app.db, areaCallerOf(request), request.body),
  );

  app.post(
    '/layers/aoi/form',
    {
      config: write,
      schema: {
        operationId: 'createAoiFromFile',
        tags: TAGS,
        summary: 'Create an AOI from an uploaded file (multipart/form-data: file, name, description); its polygons are unioned into one area',
        consumes: ['multipart/form-data'],
        body: AoiForm,
        response: { 200: AoiCreated, 413: ErrorSchemas.plume, 415: ErrorSchemas.plume, ...errors },
      },
    },
    (request) => {
      if (!request.isMultipart()) throw new UnsupportedMediaTypeError('Send the file as multipart/form-data (fields file, name, description).');
      return aois.createAoiFromFile(app.db, areaCallerOf(request), request.body);
    },
  );

  app.get(
    '/layers/aoi/list',
    { config: read, schema: { operationId: 'listAois', tags: TAGS, summary: 'Your AOIs (your organization’s and your own), newest first', querystring: AoiListQuery, response: { 200: AoiPage, ...errors } } },
    (request) => aois.listAois(app.db, areaCallerOf(request), request.query),
  );

  app.get(
    '/layers/aoi/:aoi_id',
    { config: read, schema: { operationId: 'getAoi', tags: TAGS, summary: 'Aoi Get', params: AoiParams, response: { 200: Aoi, 404: ErrorSchemas.plume, ...errors } } },
    (request) => aois.getAoi(app.db, request.params.aoi_id, areaCallerOf(request)),
  );

  app.get(
    '/layers/aoi/:aoi_id/geojson',
    { config: read, schema: { operationId: 'getAoiGeojson', tags: TAGS, summary: 'Get aoi geojson: the MultiPolygon with its bbox', params: AoiParams, response: { 200: MultiPolygon, 404: ErrorSchemas.plume, ...errors } } },
    (request) => aois.aoiGeojson(app.db, request.params.aoi_id, areaCallerOf(request)),
  );
}
