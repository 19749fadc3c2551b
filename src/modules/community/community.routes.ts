import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import multipart, { type MultipartFile } from '@fastify/multipart';
import { Type } from 'typebox';
import { principalOf } from '../../platform/auth/auth-plugin.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import { BLOB_KEY, urlSigner } from '../../platform/storage/blob-store.js';
import { configuredBlobStore } from '../../platform/storage/configured-blob-store.js';
import { leakImageHeld } from './operator-reports.queries.js';
import { OperatorReport, OperatorReportForm, OperatorReportPage, OperatorReportsQuery } from './operator-reports.schemas.js';
import * as reports from './operator-reports.service.js';

const TAGS = ['community'];
const errors = { 400: ErrorSchemas.plume, 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 404: ErrorSchemas.plume, 413: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
export const LEAK_IMAGE_MAX_BYTES = 10 * 1024 * 1024;
const TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' };

/** The leak image of each multipart request, kept aside so the validated body holds only text. */
const leakImages = new WeakMap<FastifyRequest, Buffer>();

async function onFile(this: FastifyRequest, part: MultipartFile) {
  if (part.fieldname !== 'leak_image') {
    part.file.resume();
    throw ValidationError.field('body', [part.fieldname], 'Only leak_image may be a file.');
  }
  leakImages.set(this, await part.toBuffer());
  (part as unknown as { value: string }).value = part.filename || 'leak_image';
}

export default async function communityRoutes(instance: FastifyInstance) {
  // Multipart only here, with small limits: one file of at most 10 MiB, short text fields.
  await instance.register(multipart, {
    attachFieldsToBody: 'keyValues',
    onFile,
    limits: { fileSize: LEAK_IMAGE_MAX_BYTES, files: 1, fields: 40, fieldSize: 16 * 1024, parts: 41, headerPairs: 100, fieldNameSize: 100 },
  });
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const store = configuredBlobStore(app.config);
  const signer = urlSigner(app.deriveKey('community-leak-images'));
  const ttl = app.config.ASSET_URL_TTL;
  const images: reports.LeakImages = {
    put: (key, bytes) => store.put(key, bytes),
    async url(key) {
      if (store.signedUrl) return store.signedUrl(key, ttl);
      const { expires, signature } = signer.sign(key, ttl);
      return `/api/v1/community/leak_image/${key}?expires=${expires}&signature=${signature}`;
    },
  };
  const reporter = (request: FastifyRequest) => {
    const principal = principalOf(request);
    return { organizationId: principal.organizationId, userId: principal.kind === 'user' ? principal.userId : null };
  };

  app.post(
    '/operator_report',
    {
      config: { scopes: ['community:write'] },
      schema: {
        operationId: 'saveOperatorReport',
        tags: TAGS,
        summary: 'Create or Update Operator Report (multipart/form-data): without id creates, with id updates; an empty string unsets a field',
        consumes: ['multipart/form-data'],
        body: OperatorReportForm,
        response: { 200: OperatorReport, ...errors },
      },
    },
    async (request) => reports.saveReport(app.db, reporter(request), request.body, leakImages.get(request), images),
  );

  app.get(
    '/operator_reports',
    {
      config: { scopes: ['community:read'] },
      schema: { operationId: 'listOperatorReports', tags: TAGS, summary: 'Your organization’s operator reports and others’ published ones, newest first', querystring: OperatorReportsQuery, response: { 200: OperatorReportPage, ...errors } },
    },
    async (request) => reports.listReports(app.db, reporter(request), request.query, images),
  );

  app.get(
    '/leak_image/*',
    {
      config: { auth: 'optional' },
      schema: {
        operationId: 'getLeakImage',
        tags: TAGS,
        summary: 'A leak image behind the signed, expiring link a report gives (our addition)',
        params: Type.Object({ '*': Type.String({ pattern: BLOB_KEY.source, maxLength: 300 }) }),
        querystring: Type.Object({ expires: Type.Integer(), signature: Type.String({ maxLength: 100 }) }),
        response: { 200: { description: 'the image', content: { 'image/*': { schema: Type.String() } } }, ...errors },
      },
    },
    async (request, reply) => {
      const key = request.params['*'];
      if (!signer.verify(key, request.query.expires, request.query.signature)) throw new ForbiddenError('This image link is invalid or has expired.');
      if (!(await leakImageHeld(app.db, key))) throw new NotFoundError('Image not found.');
      const blob = await store.open(key);
      if (!blob) throw new NotFoundError('Image not found.');
      return reply
        .type(TYPES[key.split('.').pop()!] ?? 'application/octet-stream')
        .header('content-length', blob.size)
        .header('cache-control', 'private, max-age=300')
        .header('x-content-type-options', 'nosniff')
        .send(blob.stream as never);
    },
  );
}
