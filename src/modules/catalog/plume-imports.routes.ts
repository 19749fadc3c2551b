import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../platform/auth/auth-plugin.js';
import { BadRequestError, UnsupportedMediaTypeError } from '../../platform/errors.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import { Nullable, Timestamp } from '../../platform/http/common-schemas.js';
import { startWorker } from '../../platform/jobs/jobs.js';
import { startSweeper } from '../../platform/jobs/sweeper.js';
import { logBackgroundFailure } from '../../platform/db/database-errors.js';
import { limited } from '../../platform/uploads/uploads.js';
import * as imports from './plume-imports.service.js';

const TAGS = ['catalog'];
const errors = { 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };

const PlumeImport = Type.Object({
  id: Type.String(),
  status: Type.Enum(['uploading', 'queued', 'running', 'completed', 'failed']),
  bytes: Type.Integer(),
  received: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer({ description: 'Rows whose plume_id was already known: their imported fields replaced.' }),
  failed: Type.Integer(),
  errors: Type.Array(Type.Object({ row: Type.Integer(), message: Type.String() }), { description: 'The first 1,000 rejected rows (the header is row 1).' }),
  failure: Nullable(Type.String()),
  created_at: Timestamp,
  started_at: Nullable(Timestamp),
  finished_at: Nullable(Timestamp),
});

/** Plume CSV imports as jobs (our addition to the page): upload, then follow the status. */
export default async function plumeImportRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
  const workers = Array.from({ length: app.config.IMPORT_WORKERS }, () =>
    startWorker(app.db, imports.PLUME_IMPORT_QUEUE, (payload, db, signal) => imports.runPlumeImport(db, String(payload.importId), signal), (error) => logBackgroundFailure(app.log, 'plume import worker', error)),
  );
  const sweeper = startSweeper(() => imports.sweepAbandoned(app.db), (error) => logBackgroundFailure(app.log, 'plume import sweep', error));
  app.addHook('preClose', async () => {
    await Promise.all([...workers, sweeper].map((worker) => worker.stop()));
  });

  app.post(
    '/imports',
    {
      config: { scopes: ['catalog:write'] },
      schema: {
        operationId: 'startPlumeImport',
        tags: TAGS,
        summary: 'Upload a plume CSV (the public export format) to import as a job; your organization owns the plumes',
        response: { 202: PlumeImport, 413: ErrorSchemas.plume, 415: ErrorSchemas.plume, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as Readable | undefined;
      if (!(request.headers['content-type'] ?? '').startsWith('text/csv')) throw new UnsupportedMediaTypeError('Send the CSV as text/csv.');
      if (!body || typeof body.pipe !== 'function') throw new BadRequestError('Request body is empty.');
      const job = await imports.startPlumeImport(app.db, principalOf(request).organizationId, limited(body, app.config.IMPORT_LIMIT_BYTES));
      workers[0]?.wake();
      return reply.status(202).header('location', `/api/v1/catalog/imports/${job.id}`).send(job);
    },
  );

  app.get(
    '/imports/:id',
    {
      config: { scopes: ['catalog:write'] },
      schema: { operationId: 'getPlumeImport', tags: TAGS, summary: 'A plume import: status, progress and row report', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: PlumeImport, 404: ErrorSchemas.plume, ...errors } },
    },
    (request) => imports.getPlumeImport(app.db, principalOf(request).organizationId, request.params.id),
  );
}
