import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/test-app.js';
import { REQUEST_BODY_EXAMPLES } from './request-body-examples.js';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

type Media = { schema?: object; example?: unknown };
type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  requestBody?: { description?: string; content: Record<string, Media> };
  responses: Record<string, { description?: string; content?: Record<string, Media> }>;
};
interface Entry {
  where: string;
  operation: Operation;
}

let ctx: TestContext;
let document: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };
let operations: Entry[];
beforeAll(async () => {
  ctx = await createTestContext();
  document = (await ctx.request({ method: 'GET', url: '/openapi.json' })).json();
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ where: `${method.toUpperCase()} ${path}`, operation })),
  );
});
afterAll(async () => {
  await ctx?.close();
});

const takesExample = (mediaType: string) => mediaType.includes('json') || mediaType.startsWith('text/') || mediaType === 'multipart/form-data';

/** Every body and response of every operation, with the media type and the status it belongs to. */
function* mediaOf(entries: Entry[]) {
  for (const { where, operation } of entries) {
    for (const [mediaType, media] of Object.entries(operation.requestBody?.content ?? {})) yield { where: `${where} request ${mediaType}`, mediaType, media };
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const [mediaType, media] of Object.entries(response.content ?? {})) yield { where: `${where} ${status} ${mediaType}`, mediaType, media };
    }
  }
}

describe('the OpenAPI document describes every operation with real examples', () => {
  it('marks no query parameter with a default as required (the server fills it in), and keeps required the ones without', () => {
    type Parameter = { name: string; in: string; required?: boolean; schema?: { default?: unknown } };
    const parameters = operations.flatMap(({ where, operation }) => ((operation as { parameters?: Parameter[] }).parameters ?? []).map((p) => ({ where, ...p })));
    expect(parameters.filter((p) => p.in === 'query' && p.required && p.schema?.default !== undefined).map((p) => `${p.where} ${p.name}`)).toEqual([]);
    const plumes = parameters.filter((p) => p.where === 'GET /api/v1/catalog/plumes/annotated');
    expect(plumes.find((p) => p.name === 'limit')).toMatchObject({ required: false, schema: { default: expect.any(Number) } });
    expect(parameters.filter((p) => p.in === 'path').every((p) => p.required)).toBe(true);
  });

  it('gives every operation a summary, and every request body and response a description', () => {
    const missing = operations.flatMap(({ where, operation }) => [
      ...(operation.summary || operation.description ? [] : [`${where}: summary`]),
      ...(operation.requestBody && !operation.requestBody.description ? [`${where}: request body description`] : []),
      ...Object.entries(operation.responses)
        .filter(([, response]) => !response.description || response.description === 'Default Response')
        .map(([status]) => `${where}: ${status} description`),
    ]);
    expect(missing).toEqual([]);
  });

  it('has an example for every request body and every response that has a JSON or text body', () => {
    const missing = [...mediaOf(operations)].filter(({ mediaType, media }) => takesExample(mediaType) && media.example === undefined).map(({ where }) => where);
    expect(missing).toEqual([]);
  });

  it('takes every request body example from the table of real requests', () => {
    const withBody = operations.filter(({ operation }) => operation.requestBody).map(({ operation }) => operation.operationId);
    expect(withBody.filter((id) => !id || !(id in REQUEST_BODY_EXAMPLES))).toEqual([]);
    // An entry for an operation that no longer exists is a stale example.
    expect(Object.keys(REQUEST_BODY_EXAMPLES).filter((id) => !withBody.includes(id))).toEqual([]);
  });

  it('has examples that validate against their own schemas', () => {
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: false, validateFormats: true }));
    const invalid: string[] = [];
    // Many responses share a schema (the error bodies above all): compile each distinct one once.
    const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
    for (const { where, mediaType, media } of mediaOf(operations)) {
      if (!takesExample(mediaType) || media.example === undefined || !media.schema) continue;
      // The components travel with each schema so that its #/components/schemas/… references resolve.
      const key = JSON.stringify(media.schema);
      const validate = compiled.get(key) ?? ajv.compile({ ...media.schema, components: document.components });
      compiled.set(key, validate);
      if (!validate(media.example)) invalid.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(invalid).toEqual([]);
  });

  it('gives each error status the body of its API family, never NOT_FOUND for anything but 404', () => {
    const example = (path: string, method: string, status: number) => document.paths[path]![method]!.responses[status]!.content!['application/json']!.example;
    expect(example('/v1/facilities', 'post', 401)).toEqual({ code: 'UNAUTHORIZED', detail: 'Missing or invalid credentials.' });
    expect(example('/v1/facilities', 'post', 403)).toEqual({ code: 'FORBIDDEN', detail: 'This credential lacks the scope facilities:write.' });
    expect(example('/v1/facilities', 'post', 422)).toEqual({ code: 'VALIDATION_ERROR', detail: [{ loc: ['body', 'name'], msg: 'Field required', type: 'missing' }] });
    expect(example('/v2/emissions', 'post', 400)).toMatchObject({ code: 'INVALID_PAYLOAD', details: [{ field: 'facility_id', location: 'body', message: 'Field required' }] });
    expect(example('/api/v1/account/register', 'post', 403)).toEqual({ errors: { password1: ['This password is too common.'] } });
    expect(example('/api/v1/account/register', 'post', 422)).toEqual({ errors: { email: ['Enter a valid email address.'] } });
    expect(example('/v1/facilities/{facility_id}', 'get', 404)).toEqual({ code: 'NOT_FOUND', detail: 'Facility not found.' });
    expect(example('/api/v1/stac/search', 'get', 400)).toMatchObject({ code: 'InvalidParameterValue' });
    expect(example('/v2/emissions', 'get', 429)).toEqual({ code: 'RATE_LIMITED', message: 'Too many requests. Retry after 42 seconds.' });

    const misnamed = [...mediaOf(operations)].filter(({ where, media }) => !/ 404 /.test(where) && JSON.stringify(media.example ?? null).includes('NOT_FOUND'));
    expect(misnamed.map(({ where }) => where)).toEqual([]);
  });

  it('documents exactly the body the server sends for a refused credential', async () => {
    for (const [path, method, url] of [
      ['/v1/facilities', 'get', '/v1/facilities'],
      ['/v2/emissions', 'get', '/v2/emissions'],
      ['/api/v1/account/me', 'get', '/api/v1/account/me'],
      ['/v1/whoami', 'get', '/v1/whoami'],
    ] as const) {
      const response = await ctx.request({ method: 'GET', url });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(document.paths[path]![method]!.responses[401]!.content!['application/json']!.example);
    }
  });
});
