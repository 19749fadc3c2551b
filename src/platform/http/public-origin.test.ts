import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ PUBLIC_URL: 'https://atlas.example.org/' });
});
afterAll(() => ctx?.close());

describe('absolute links when PUBLIC_URL is set', () => {
  it("are built on it, never on a client's Host header (a shared cache cannot be poisoned)", async () => {
    const headers = { host: 'attacker.example' };
    const style = (await ctx.request({ method: 'GET', url: '/api/v1/layers/style.json', headers })).json();
    expect(JSON.stringify(style)).not.toContain('attacker.example');
    expect(style.sources.plumes.url).toBe('https://atlas.example.org/api/v1/layers/plumes/tilejson.json');
    const tilejson = (await ctx.request({ method: 'GET', url: '/api/v1/layers/plumes/tilejson.json', headers })).json();
    expect(tilejson.tiles).toEqual(['https://atlas.example.org/api/v1/layers/plumes/{z}/{x}/{y}.mvt']);
    const landing = (await ctx.request({ method: 'GET', url: '/api/v1/stac', headers })).json();
    const links = landing.links.map((link: { href: string }) => link.href);
    expect(links.every((href: string) => href.startsWith('https://atlas.example.org/'))).toBe(true);
  });
});
