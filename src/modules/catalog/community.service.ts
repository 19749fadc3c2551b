import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import { isUuid } from '../../platform/uuid.js';
import { ANONYMOUS, type Viewer } from './plume-filter.js';
import { ASSESSED } from './scenes/scenes.queries.js';
import { visiblePlumes } from './visible-plumes.queries.js';
import { visibleScenes } from './visible-scenes.queries.js';

/** What the community module reads of plumes and scenes: only through the catalog's visibility rules. */

export interface PlumeRef {
  id: string;
  plume_id: string;
  gas: string;
  longitude: number;
  latitude: number;
  emission_auto: number | null;
  status: string;
  published_at: Date | null;
}

const PLUME_REF = sql`p.id, p.plume_id, p.gas, ST_X(p.geometry) AS longitude, ST_Y(p.geometry) AS latitude, p.emission_auto, p.status, p.published_at`;

/** A plume the viewer may read, by UUID or by plume id (e.g. GAO20230628t191011p0000-B). */
export async function findVisiblePlume(db: Queryable, viewer: Viewer, identifier: string): Promise<PlumeRef | undefined> {
  const match = isUuid(identifier) ? sql`p.id = ${identifier}::uuid` : sql`p.plume_id = ${identifier}`;
  const [row] = await db.query<PlumeRef>(sql`SELECT ${PLUME_REF} FROM ${visiblePlumes(viewer)} p WHERE ${match} AND p.status <> 'deleted'`);
  return row;
}

/** Which of these plumes are published now, as everyone sees them (hidden emission figures are NULL). */
export function publishedPlumes(db: Queryable, ids: string[]): Promise<PlumeRef[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.query<PlumeRef>(sql`SELECT ${PLUME_REF} FROM ${visiblePlumes(ANONYMOUS)} p WHERE p.id = ANY(${ids}::uuid[]) AND p.status = 'published'`);
}

/** Metres within which another plume of the same gas counts as the same source: the sources' default DBSCAN eps. */
export const SOURCE_RADIUS_METRES = 100;

/**
 * Later overpasses without a detection: public scenes (visibleScenes for everyone), assessed (so a
 * missing plume means none was seen, not none looked for), taken after `after`, whose footprint
 * covers the plume's location, holding no plume (deleted ones aside) of the same gas within
 * SOURCE_RADIUS_METRES of it. Oldest first.
 */
export function overpassesWithoutDetection(db: Queryable, plumeUuid: string, after: Date) {
  return db.query<{ id: string; name: string; timestamp: Date }>(sql`
    SELECT s.id, s.name, s."timestamp"
    FROM ${visibleScenes(ANONYMOUS)} s, (SELECT geometry, gas FROM plumes WHERE id = ${plumeUuid}::uuid) target
    WHERE s.footprint IS NOT NULL AND ST_Covers(s.footprint, target.geometry) AND s."timestamp" > ${after}
      AND ${ASSESSED}
      AND NOT EXISTS (
        SELECT 1 FROM plumes o WHERE o.scene_id = s.id AND o.status <> 'deleted' AND o.gas = target.gas
          AND ST_DWithin(o.geometry::geography, target.geometry::geography, ${SOURCE_RADIUS_METRES}))
    ORDER BY s."timestamp", s.id LIMIT 20`);
}

/** The organization's published plume with the highest emission rate (the demo seed reports on it). */
export async function largestPublishedPlume(db: Queryable, organizationId: string): Promise<PlumeRef | undefined> {
  const [row] = await db.query<PlumeRef>(sql`
    SELECT ${PLUME_REF} FROM ${visiblePlumes(ANONYMOUS)} p
    WHERE p.organization_id = ${organizationId}::uuid AND p.status = 'published' AND p.emission_auto IS NOT NULL
    ORDER BY p.emission_auto DESC, p.id LIMIT 1`);
  return row;
}
