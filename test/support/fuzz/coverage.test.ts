import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test-app.js';
import { MODULE_ROUTES } from './modules.js';
import { documentedRoutes } from './routes.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

describe('fuzz coverage', () => {
  it('sends generated requests to every documented route, from exactly one module', () => {
    const owners = documentedRoutes(ctx.app).map((route) => ({
      route: `${route.method} ${route.path}`,
      modules: Object.entries(MODULE_ROUTES)
        .filter(([, select]) => select(route))
        .map(([name]) => name),
    }));
    expect(owners.filter((owner) => owner.modules.length !== 1)).toEqual([]);
    expect(owners.length).toBeGreaterThan(100);
  });
});
