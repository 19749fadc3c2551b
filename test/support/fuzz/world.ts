import type { TestContext, TestOrganization } from '../test-app.js';
import { signedInUser, type TestUser } from '../accounts.js';
import type { FuzzWorld } from './requests.js';

/**
 * The organization the fuzzer acts as (all scopes, a signed-in member) and a rival organization
 * whose ids are mixed into the known values: requests aim at both what they may and may not see.
 */
export interface BaseWorld {
  owner: TestOrganization;
  ownerKey: string;
  user: TestUser;
  rival: TestOrganization;
  rivalKey: string;
  world: FuzzWorld;
}

export async function baseWorld(ctx: TestContext): Promise<BaseWorld> {
  const owner = await ctx.organization('Fuzz Owner');
  const rival = await ctx.organization('Fuzz Rival');
  const ownerKey = await owner.key();
  const rivalKey = await rival.key();
  const user = await signedInUser(ctx, 'fuzz.owner@example.org', { organization: { id: owner.id, role: 'admin' } });
  const world: FuzzWorld = { known: { uuids: [owner.id, rival.id, user.id], byName: {} }, credentials: [ownerKey, user.access], uploads: {} };
  remember(world, 'id', [owner.id, rival.id]);
  return { owner, ownerKey, user, rival, rivalKey, world };
}

/** Adds ids the requests may use for a path parameter or body field of this name (uuids also go to the uuid pool). */
export function remember(world: FuzzWorld, name: string, values: (string | number | undefined | null)[]) {
  const texts = values.filter((value): value is string | number => value !== undefined && value !== null).map(String);
  world.known.byName[name] = [...new Set([...(world.known.byName[name] ?? []), ...texts])];
  const uuids = texts.filter((text) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text));
  world.known.uuids = [...new Set([...world.known.uuids, ...uuids])];
}

/** POSTs JSON as the given key and returns the parsed answer, failing loudly if seeding did not work. */
export async function post(ctx: TestContext, key: string, url: string, payload: unknown, method: 'POST' | 'PUT' = 'POST') {
  const response = await ctx.request({ method, url, key, payload: payload as object });
  if (response.statusCode >= 300) throw new Error(`seeding ${method} ${url} answered ${response.statusCode}: ${response.body}`);
  return response.json();
}
