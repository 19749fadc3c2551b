import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';

let ctx: TestContext;
let directory: string;
beforeAll(async () => {
  ctx = await createTestContext();
  directory = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-client-'));
});
afterAll(async () => {
  await ctx?.close();
  await rm(directory, { recursive: true, force: true });
});

// A client a user would write against the generated types: it must compile under strict settings.
const CLIENT = `
import type { paths, components } from './api.js';
type FacilityPage = paths['/v1/facilities']['get']['responses'][200]['content']['application/json'];
const total: FacilityPage['total2'] = 3;
const name: FacilityPage['items'][number]['name'] = 'Plant';
type PlumePage = paths['/api/v1/catalog/plumes/annotated']['get']['responses'][200]['content']['application/json'];
const count: PlumePage['total_count'] = 1;
const problem: components['schemas']['PlumeError'] = { detail: 'Not found', code: 'NOT_FOUND' };
export const used = [total, name, count, problem];
`;

describe('a client generated from /openapi.json', () => {
  it('is produced by openapi-typescript and compiles under strict TypeScript', async () => {
    const document = (await ctx.request({ method: 'GET', url: '/openapi.json' })).json();
    const generated = astToString(await openapiTS(document));
    await writeFile(path.join(directory, 'api.ts'), generated);
    await writeFile(path.join(directory, 'client.ts'), CLIENT);
    const program = ts.createProgram([path.join(directory, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(problems).toEqual([]);
    expect(generated).toContain('"/api/v1/catalog/plumes/annotated"');
    // The examples travel into the generated file as JSDoc (about 1.7 MB to generate and compile).
    expect(generated).toContain('@example');
  }, 120_000);
});
