import { randomBytes } from 'node:crypto';
import type { Database } from '../../../platform/db/database.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { ConflictError, NotFoundError, UnprocessableInputError } from '../../../platform/errors.js';
import { deriveSchema } from './parse/parse-vector-upload.js';
import { insertGridPoints, selectSourceExtent, type GridSpec } from './layer-grid.queries.js';
import * as queries from './layers.queries.js';
import type { GridBody } from './layers.schemas.js';
import { getLayer, layerView, layerViewer } from './layers.service.js';

export const DEFAULT_GRID_SPACING_METRES = 1000;
/** The grid spans at most this many candidate points (cells of the sources' extent); wider spacing otherwise. */
export const MAX_GRID_POINTS = 50_000;
const METRES_PER_DEGREE = 111_320;

/**
 * The grid over an extent (expanded by the buffer): cells `spacing` metres apart north–south and, at
 * the extent's middle latitude, east–west; the spacing widened (×√(cells / MAX_GRID_POINTS)) until the
 * extent holds at most MAX_GRID_POINTS cells.
 */
export function gridSpec(extent: [number, number, number, number], spacing: number, buffer: number): GridSpec & { spacing: number } {
  const [w, s, e, n] = extent;
  const cosAt = (lat: number) => Math.max(Math.cos((lat * Math.PI) / 180), 0.01);
  const bufferLat = buffer / METRES_PER_DEGREE;
  const bufferDegrees = buffer / (METRES_PER_DEGREE * cosAt(Math.min(Math.max(Math.abs(s), Math.abs(n)) + bufferLat, 89.9)));
  const west = Math.max(w - bufferDegrees, -180);
  const east = Math.min(e + bufferDegrees, 180);
  const south = Math.max(s - bufferLat, -90);
  const north = Math.min(n + bufferLat, 90);
  const middle = cosAt((south + north) / 2);
  let metres = spacing;
  for (;;) {
    const dy = metres / METRES_PER_DEGREE;
    const dx = metres / (METRES_PER_DEGREE * middle);
    const columns = Math.max(1, Math.ceil((east - west) / dx));
    const rows = Math.max(1, Math.ceil((north - south) / dy));
    if (columns * rows <= MAX_GRID_POINTS) return { west, south, dx, dy, columns, rows, buffer, bufferDegrees, spacing: metres };
    metres *= Math.sqrt((columns * rows) / MAX_GRID_POINTS) * 1.001;
  }
}

/** A new layer of grid points near the source layers' features, written at once (status 0). */
export async function createGridLayer(db: Database, principal: Principal, body: GridBody) {
  const owner = layerViewer(principal);
  const sources = [...new Set(body.layer_ids)];
  const properties = body.update_properties ?? {};
  const id = await db.transaction(async (tx) => {
    const visible = await queries.selectVisibleLayerIds(tx, sources, owner);
    const missing = sources.filter((source) => !visible.some((layer) => Number(layer.id) === source));
    if (missing.length) throw new NotFoundError(`Layer ${missing.join(', ')} not found.`);
    const unready = visible.filter((layer) => layer.status !== 0).map((layer) => layer.id);
    if (unready.length) throw new UnprocessableInputError(`Layer ${unready.join(', ')} is not ready (still processing, or failed).`);
    const name = body.name ?? `grid_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    if (await queries.isNameTaken(tx, name)) throw new ConflictError(`A layer named "${name}" already exists; layer names are unique.`);
    const extent = await selectSourceExtent(tx, sources);
    const spec = extent ? gridSpec(extent, body.spacing ?? DEFAULT_GRID_SPACING_METRES, body.buffer_distance) : undefined;
    const metadata = { grid: { source_layer_ids: sources, buffer_distance: body.buffer_distance, spacing_m: spec ? Math.round(spec.spacing * 100) / 100 : null } };
    const gridId = await queries.insertLayer(tx, {
      name, verbose_name: body.verbose_name ?? null, description: body.description ?? null,
      organization_id: owner.organizationId, user_id: owner.userId, metadata, status: 1,
    });
    if (spec) await insertGridPoints(tx, gridId, sources, spec, properties);
    await queries.finishLayer(tx, gridId, deriveSchema([{ properties: { row: 0, col: 0, ...properties } }]), 0, null);
    return gridId;
  });
  return layerView(await getLayer(db, id, owner));
}
