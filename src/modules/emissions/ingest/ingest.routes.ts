import { Transform, type Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../../platform/auth/auth-plugin.js';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../../platform/errors.js';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { once, requestHash } from '../../../platform/idempotency/idempotency.js';
import { fromArray, fromCsv, fromNdjson, ingest, type IngestReport } from './ingest.service.js';

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

/** Refuses a stream once it has carried more than `limit` bytes. */
function limited(stream: Readable, limit: number): Readable {
  let seen = 0;
  return stream.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        if (seen > limit) callback(new PayloadTooLargeError(`Uploads are limited to ${limit} bytes.`));
        else callback(null, chunk);
      },
    }),
  );
}

async function answer(request: FastifyRequest, organizationId: string, db: FastifyInstance['db'], fingerprint: string[], work: () => Promise<IngestReport>) {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return work();
  const result = await once(db, { organizationId, key, hash: requestHash(fingerprint) }, async () => ({ status: 200, body: await work() }));
  return result.body as IngestReport;
}

/** Automated ingestion: a JSON batch, or an NDJSON / CSV upload streamed row by row. */
export default async function ingestRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const limit = app.config.IMPORT_LIMIT_BYTES;
  // Uploads reach the handler as streams: neither buffered nor size-checked by the JSON parser.
  app.addContentTypeParser(['application/x-ndjson', 'application/ndjson', 'text/csv'], (_request, payload, done) => done(null, payload));

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
      return answer(request, organizationId, app.db, ['batch', JSON.stringify(request.body)], () => ingest(app.db, organizationId, 'batch', fromArray(request.body.records)));
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
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (!['application/x-ndjson', 'application/ndjson', 'text/csv'].includes(type)) {
        throw new UnsupportedMediaTypeError('Send application/x-ndjson or text/csv.');
      }
      const body = request.body as Readable | undefined;
      if (!body || typeof body.pipe !== 'function') throw new BadRequestError('Request body is empty.');
      const stream = limited(body, limit);
      const records = type === 'text/csv' ? fromCsv(stream) : fromNdjson(stream);
      // An upload is named by its key alone: it cannot be hashed before it is read.
      return answer(request, organizationId, app.db, ['import', type], () => ingest(app.db, organizationId, type === 'text/csv' ? 'csv' : 'ndjson', records));
    },
  );
}
