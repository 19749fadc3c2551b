import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { startWorker } from '../../../platform/jobs/jobs.js';
import { startSweeper } from '../../../platform/jobs/sweeper.js';
import { logBackgroundFailure } from '../../../platform/db/database-errors.js';
import { principalOf } from '../../../platform/auth/auth-plugin.js';
import { BadRequestError, UnsupportedMediaTypeError } from '../../../platform/errors.js';
import { limited } from '../../../platform/uploads/uploads.js';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { once, onceInSteps, requestHash } from '../../../platform/idempotency/idempotency.js';
import type { Database, Queryable } from '../../../platform/db/database.js';
import { fromArray, fromCsv, fromNdjson, ingest, type Incoming, type IngestReport } from './ingest.service.js';
import * as imports from './imports.service.js';

const TAGS = ['emissions'];
const MAX_BATCH = 10_000;

const Report = Type.Object({
  received: Type.Integer(),
  created: Type.Integer(),
  duplicates: Type.Integer({ description: 'Records whose external_id was already stored.' }),
  failed: Type.Integer(),
  errors: Type.Array(Type.Object({ row: Type.Integer(), message: Type.String() }), { description: 'The first 1,000 rejected rows.' }),
});
const errors = { 400: ErrorSchemas.platform, 401: ErrorSchemas.platform, 403: ErrorSchemas.platform, 409: ErrorSchemas.platform, 413: ErrorSchemas.platform, 415: ErrorSchemas.platform, 429: ErrorSchemas.platform };
const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });

const ImportJob = Type.Object({
  id: Type.String({ pattern: '^imp_[a-z0-9]+$', examples: ['imp_8f3k2m1q'] }),
  status: Type.Enum(['uploading', 'queued', 'running', 'completed', 'failed']),
  format: Type.Enum(['ndjson', 'csv']),
  bytes: Type.Integer(),
  received: Type.Integer({ description: 'Records read so far.' }),
  created: Type.Integer(),
  duplicates: Type.Integer(),
  failed: Type.Integer(),
  errors: Type.Array(Type.Object({ row: Type.Integer(), message: Type.String() }), { description: 'The first 1,000 rejected rows, once completed.' }),
  failure: Type.Union([Type.String(), Type.Null()], { description: 'Why a failed import stopped.' }),
  created_at: Type.String({ format: 'date-time' }),
  started_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const UPLOAD_TYPES = ['application/x-ndjson', 'application/ndjson', 'text/csv'];

/** The upload's format from its Content-Type, and its body as a size-limited stream. */
function uploadOf(request: FastifyRequest, limit: number) {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (!UPLOAD_TYPES.includes(type)) throw new UnsupportedMediaTypeError('Send application/x-ndjson or text/csv.');
  const body = request.body as Readable | undefined;
  if (!body || typeof body.pipe !== 'function') throw new BadRequestError('Request body is empty.');
  return { format: type === 'text/csv' ? ('csv' as const) : ('ndjson' as const), stream: limited(body, limit) };
}

/** A batch, once per Idempotency-Key: its records, its events and the key's answer in one transaction. */
async function answerBatch(request: FastifyRequest, organizationId: string, db: Database, records: readonly unknown[]) {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return ingest(db, organizationId, 'batch', fromArray(records));
  const hash = requestHash(['batch', JSON.stringify(request.body)]);
  const result = await once(db, { organizationId, key, hash }, async (tx) => ({ status: 200, body: await ingest(tx, organizationId, 'batch', fromArray(records)) }));
  return result.body as IngestReport;
}

/**
 * A streamed upload cannot be one transaction (on the embedded database it would hold the only
 * connection while the client sends): its chunks commit as they are read, and the key's answer
 * commits with the last of them and `import.completed`. A retry after a failure before that sends
 * the records again: those with an external_id are not stored twice.
 */
async function answerUpload(request: FastifyRequest, organizationId: string, db: Database, format: 'ndjson' | 'csv', records: AsyncIterable<Incoming>) {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return ingest(db, organizationId, format, records);
  // An upload is named by its key alone: it cannot be hashed before it is read.
  const hash = requestHash(['import', format]);
  const result = await onceInSteps(db, { organizationId, key, hash }, async (recordAnswer) => {
    const checkpoint = { transaction: <T>(work: (tx: Queryable) => Promise<T>) => db.transaction(work), save: async () => undefined, complete: (tx: Queryable, report: IngestReport) => recordAnswer(tx, { status: 200, body: report }) };
    return { status: 200, body: await ingest(db, organizationId, format, records, { checkpoint }) };
  });
  return result.body as IngestReport;
}

/** Automated ingestion: a JSON batch, or an NDJSON / CSV upload streamed row by row. */
export default async function ingestRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const limit = app.config.IMPORT_LIMIT_BYTES;
  // Uploads reach the handler as streams: neither buffered nor size-checked by the JSON parser.
  app.addContentTypeParser(UPLOAD_TYPES, (_request, payload, done) => done(null, payload));
  const workers = Array.from({ length: app.config.IMPORT_WORKERS }, () =>
    startWorker(app.db, imports.IMPORT_QUEUE, (payload, db, signal) => imports.runImport(db, String(payload.importId), signal), (error) => logBackgroundFailure(app.log, 'import worker', error)),
  );
  // Uploads whose request died (a killed process) are cleaned by whichever process sweeps first.
  const sweeper = startSweeper(() => imports.sweepAbandoned(app.db), (error) => logBackgroundFailure(app.log, 'import sweep', error));
  app.addHook('preClose', async () => {
    await Promise.all([...workers, sweeper].map((worker) => worker.stop()));
  });

  app.post(
    '/batch',
    {
      bodyLimit: 32 * 1024 * 1024,
      config: { scopes: ['emissions:write'] },
      schema: {
        operationId: 'ingestEmissionBatch',
        tags: TAGS,
        summary: 'Submit up to 10,000 records; valid ones are stored, invalid ones reported by row',
        headers: IdempotencyHeaders,
        body: Type.Object({ records: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_BATCH }) }),
        response: { 200: Report, ...errors },
      },
    },
    (request) => {
      const organizationId = principalOf(request).organizationId;
      return answerBatch(request, organizationId, app.db, request.body.records);
    },
  );

  app.post(
    '/import',
    {
      config: { scopes: ['emissions:write'] },
      schema: {
        operationId: 'importEmissions',
        tags: TAGS,
        summary: 'Stream records as NDJSON (application/x-ndjson) or CSV (text/csv, header row); memory stays flat',
        headers: IdempotencyHeaders,
        response: { 200: Report, ...errors },
      },
    },
    (request) => {
      const organizationId = principalOf(request).organizationId;
      const { format, stream } = uploadOf(request, limit);
      return answerUpload(request, organizationId, app.db, format, format === 'csv' ? fromCsv(stream) : fromNdjson(stream));
    },
  );

  app.post(
    '/imports',
    {
      config: { scopes: ['emissions:write'] },
      schema: {
        operationId: 'startEmissionImport',
        tags: TAGS,
        summary: 'Upload NDJSON or CSV to be imported as a job: 202 once stored, then follow its status',
        headers: IdempotencyHeaders,
        response: { 202: ImportJob, ...errors },
      },
    },
    async (request, reply) => {
      const organizationId = principalOf(request).organizationId;
      const { format, stream } = uploadOf(request, limit);
      const key = request.headers['idempotency-key'];
      let importId: string;
      if (typeof key !== 'string') importId = (await imports.startImport(app.db, organizationId, format, stream)).id;
      else {
        // The key's answer names the import and is written in the transaction that queues it: a
        // retry of a request left in doubt finds that import instead of uploading another.
        const stored = await onceInSteps(app.db, { organizationId, key, hash: requestHash(['imports', format]) }, async (recordAnswer) => {
          let queued = '';
          await imports.startImport(app.db, organizationId, format, stream, (tx, id) => recordAnswer(tx, { status: 202, body: { id: (queued = id) } }));
          return { status: 202, body: { id: queued } };
        });
        importId = (stored.body as { id: string }).id;
      }
      workers[0]?.wake();
      // A repeat with the same key answers with the first upload's job as it is now.
      const job = await imports.getImport(app.db, organizationId, importId);
      return reply.status(202).header('location', `/v2/emissions/imports/${job.id}`).send(job);
    },
  );

  app.get(
    '/imports',
    {
      config: { scopes: ['emissions:read'] },
      schema: {
        operationId: 'listEmissionImports',
        tags: TAGS,
        summary: 'Your import jobs, newest first',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }),
        response: { 200: Type.Object({ data: Type.Array(ImportJob) }), ...errors },
      },
    },
    (request) => imports.listImports(app.db, principalOf(request).organizationId, request.query.limit),
  );

  app.get(
    '/imports/:id',
    {
      config: { scopes: ['emissions:read'] },
      schema: {
        operationId: 'getEmissionImport',
        tags: TAGS,
        summary: 'An import job: status, progress counts and, once completed, its row report',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: ImportJob, ...errors, 404: ErrorSchemas.platform },
      },
    },
    (request) => imports.getImport(app.db, principalOf(request).organizationId, request.params.id),
  );
}
