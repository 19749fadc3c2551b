import type { Queryable } from '../../platform/db/database.js';
import { ASSET_COLUMNS, foreignAssetKeys, registerAssets } from './assets.queries.js';
import * as writes from './catalog-writes.queries.js';

/** A parsed row awaiting its chunk's write, with its row number in the file. */
export interface PendingPlume {
  row: number;
  plume: writes.PlumeValues;
}

export interface StoredChunk {
  created: number;
  updated: number;
  rejected: { row: number; message: string }[];
}

/*
 * Said the same way whoever holds the name or key and whatever its status, so a refusal tells
 * only that it is taken — never whether the other plume is published, hidden or whose it is.
 */
const NAME_NOT_AVAILABLE = 'plume_id: not available to this organization';
const keyNotAvailable = (column: string) => `${column}: asset key not available to this organization`;

const assetKeys = (plume: writes.PlumeValues) => ASSET_COLUMNS.map((column) => plume[column]).filter((key): key is string => key !== null);

/**
 * Writes one chunk of an import for its owner: a row naming an asset key the owner may not name
 * is refused, then the plumes are created or, when the owner already has them, updated (a
 * plume_id held by another owner is refused), and the keys of the plumes written are registered.
 */
export async function storeChunk(db: Queryable, pending: PendingPlume[], organizationId: string | null): Promise<StoredChunk> {
  const rejected: StoredChunk['rejected'] = [];
  const foreignKeys = await foreignAssetKeys(db, pending.flatMap((p) => assetKeys(p.plume)), organizationId);
  const accepted = pending.filter(({ row, plume }) => {
    const taken = ASSET_COLUMNS.find((column) => plume[column] !== null && foreignKeys.has(plume[column]!));
    if (taken) rejected.push({ row, message: keyNotAvailable(taken) });
    return !taken;
  });
  // One plume_id twice in a chunk would make the upsert touch a row twice: the last one wins.
  const unique = [...new Map(accepted.map((p) => [p.plume.plume_id, p.plume])).values()];
  const outcome = await writes.upsertPlumes(db, unique);
  const refused = new Set(outcome.refused);
  const refusedRows = accepted.filter((p) => refused.has(p.plume.plume_id));
  rejected.push(...refusedRows.map(({ row }) => ({ row, message: NAME_NOT_AVAILABLE })));
  // Only plumes actually written register their keys: a refused row claims nothing.
  await registerAssets(db, accepted.filter((p) => !refused.has(p.plume.plume_id)).flatMap((p) => assetKeys(p.plume)), organizationId);
  // Repeated rows of one plume count as updates of it, as a re-import's rows do.
  const updated = accepted.length - refusedRows.length - outcome.created;
  return { created: outcome.created, updated, rejected: rejected.sort((a, b) => a.row - b.row) };
}
