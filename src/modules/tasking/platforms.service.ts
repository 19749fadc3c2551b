import { twoline2satrec } from 'satellite.js';
import type { Static } from 'typebox';
import type { Queryable } from '../../platform/db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { isUuid } from '../../platform/uuid.js';
import type { Owner } from './owner.js';
import * as queries from './platforms.queries.js';
import type { PlatformBody, PlatformPatchBody } from './tasking.schemas.js';
import { epochOf, tleProblem } from './tle.js';

const notFound = (id: string): never => {
  throw new NotFoundError(`Platform ${id} not found.`);
};

export function platformView(row: queries.PlatformRow) {
  const satrec = twoline2satrec(row.tle_line1, row.tle_line2);
  return {
    id: row.id,
    name: row.name,
    tle_line1: row.tle_line1,
    tle_line2: row.tle_line2,
    epoch: epochOf(satrec).toISOString(),
    inclination_deg: Number(((satrec.inclo * 180) / Math.PI).toFixed(4)),
    // As the element set states it (columns 53–63 of line 2); satrec.no is SGP4's un-Kozai'd value.
    mean_motion_rev_per_day: Number.parseFloat(row.tle_line2.slice(52, 63)),
    created: row.created_at.toISOString(),
    modified: row.modified.toISOString(),
  };
}

function checkTle(line1: string, line2: string) {
  const problem = tleProblem(line1, line2);
  if (problem) throw ValidationError.field('body', [problem.field], problem.message);
}

async function unique<T>(name: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: unknown }).code === '23505') throw new ConflictError(`Your organization already has a platform named "${name}".`);
    throw error;
  }
}

export async function platformRow(db: Queryable, owner: Owner, id: string) {
  return (isUuid(id) ? await queries.selectPlatform(db, owner.organizationId, id) : undefined) ?? notFound(id);
}

export async function getPlatform(db: Queryable, owner: Owner, id: string) {
  return platformView(await platformRow(db, owner, id));
}

export async function createPlatform(db: Queryable, owner: Owner, body: Static<typeof PlatformBody>) {
  checkTle(body.tle_line1, body.tle_line2);
  return platformView(await unique(body.name, () => queries.insertPlatform(db, owner.organizationId, body)));
}

/** Element sets age (SGP4 drifts by kilometres a day): replace both lines with a fresh pair. */
export async function patchPlatform(db: Queryable, owner: Owner, id: string, body: Static<typeof PlatformPatchBody>) {
  const current = await platformRow(db, owner, id);
  if (body.tle_line1 !== undefined || body.tle_line2 !== undefined) checkTle(body.tle_line1 ?? current.tle_line1, body.tle_line2 ?? current.tle_line2);
  const row = await unique(body.name, () => queries.updatePlatform(db, owner.organizationId, id, body));
  return platformView(row ?? notFound(id));
}

export async function deletePlatform(db: Queryable, owner: Owner, id: string) {
  if (!(isUuid(id) && (await queries.deletePlatform(db, owner.organizationId, id)))) notFound(id);
}

export async function listPlatforms(db: Queryable, owner: Owner, page: { limit: number; offset: number }) {
  const [rows, count] = await Promise.all([queries.selectPlatforms(db, owner.organizationId, page), queries.countPlatforms(db, owner.organizationId)]);
  return { items: rows.map(platformView), count };
}
