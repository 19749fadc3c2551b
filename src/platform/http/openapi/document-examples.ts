import { errorExample, familyOfErrorSchema, invalidFieldOf } from './error-examples.js';
import { REQUEST_BODY_EXAMPLES } from './request-body-examples.js';
import { type JsonSchema, sampleOf } from './schema-sample.js';

/**
 * Fills the generated OpenAPI document with what generated schemas cannot say: a description of
 * every response and request body, and an example of every JSON (and text) body — error bodies in
 * their API family's shape with the message the server sends for that status, request bodies from
 * a table of real requests (the README's and the demo data's), success bodies built from the
 * response schema (its own `examples` first). Schemas and routes stay untouched.
 */
type Document = { paths?: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, JsonSchema> } };
interface MediaType {
  schema?: JsonSchema;
  example?: unknown;
  examples?: Record<string, unknown>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: JsonSchema[];
  requestBody?: { description?: string; content?: Record<string, MediaType> };
  responses?: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}

const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete', 'head', 'options']);

export const STATUS_DESCRIPTIONS: Record<string, string> = {
  '200': 'Success.',
  '201': 'Created.',
  '202': 'Accepted: the work is queued; follow its status.',
  '204': 'Success, with nothing to return.',
  '206': 'Part of the content, as the Range header asked.',
  '302': 'Redirect: follow the Location header.',
  '304': 'Not modified: the ETag sent in If-None-Match still matches.',
  '400': 'The request is malformed (or, in this API, its input is invalid).',
  '401': 'No credential, or an invalid or expired one.',
  '403': 'The credential may not do this (a missing scope, another organization).',
  '404': 'Not found, or not visible to this credential.',
  '408': 'The request did not arrive in full in time.',
  '409': 'Conflicts with the current state (a duplicate, a finished transaction).',
  '413': 'The request body is too large.',
  '415': 'The content type is not accepted.',
  '416': 'The range asked for is not satisfiable.',
  '422': 'The input is invalid: each problem is named with its field.',
  '429': 'Too many requests: retry after the Retry-After header.',
  '503': 'Temporarily unavailable: retry after the Retry-After header.',
};

/** A rejected form (registration, passwords) is not about credentials. */
const FORM_DESCRIPTIONS: Record<string, string> = {
  '403': 'The form is rejected: the problems of each field are listed.',
  '422': 'The form is invalid: the problems of each field are listed.',
};

/** Binary bodies (tiles, images, archives) get no inline example. */
function takesExample(mediaType: string): boolean {
  return mediaType.includes('json') || mediaType.startsWith('text/') || mediaType === 'multipart/form-data';
}

export function addExamples<T extends object>(generated: T, scopesByOperation: ReadonlyMap<string, readonly string[]>): T {
  const document = generated as Document;
  const componentSchemas = document.components?.schemas ?? {};
  const resolve = (ref: string) => componentSchemas[ref.replace('#/components/schemas/', '')];
  const deref = (schema: JsonSchema | undefined) => (schema && typeof schema.$ref === 'string' ? (resolve(schema.$ref) as JsonSchema | undefined) : schema);

  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method) || !operation.responses) continue;
      const bodySchema = deref(Object.values(operation.requestBody?.content ?? {})[0]?.schema);
      const facts = {
        path,
        method,
        scopes: scopesByOperation.get(operation.operationId ?? '') ?? [],
        invalidField: invalidFieldOf(bodySchema, operation.parameters ?? []),
      };

      if (operation.requestBody) {
        operation.requestBody.description ??= bodySchema?.description ? String(bodySchema.description) : `What to send: ${lowerFirst(operation.summary ?? operation.operationId ?? 'the request')}.`;
        for (const [mediaType, media] of Object.entries(operation.requestBody.content ?? {})) {
          if (!takesExample(mediaType) || media.example !== undefined || media.examples) continue;
          const real = REQUEST_BODY_EXAMPLES[operation.operationId ?? ''];
          media.example = real !== undefined ? real : sampleOf(media.schema, resolve);
        }
      }

      for (const [status, response] of Object.entries(operation.responses)) {
        const json = response.content?.['application/json'];
        const family = Number(status) >= 400 && json ? familyOfErrorSchema(deref(json.schema), path, (schema) => deref(schema)) : undefined;
        if (!response.description || response.description === 'Default Response') {
          response.description = (family === 'plumeForm' ? FORM_DESCRIPTIONS[status] : undefined) ?? STATUS_DESCRIPTIONS[status] ?? 'See the operation.';
        }
        for (const [mediaType, media] of Object.entries(response.content ?? {})) {
          if (!takesExample(mediaType) || media.example !== undefined || media.examples) continue;
          media.example = family && media === json ? errorExample(Number(status), family, facts) : sampleOf(media.schema, resolve);
        }
      }
    }
  }
  return generated;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
