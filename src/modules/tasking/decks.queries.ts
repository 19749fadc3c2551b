import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import type { DeckStatus, ReplacementMethod } from './deck-status.js';

export interface DeckRow {
  id: string;
  name: string;
  verbose_name: string | null;
  status: DeckStatus;
  replacement_method: ReplacementMethod | null;
  created_at: Date;
  modified: Date;
  target_spec_count: number;
}

const COLUMNS = sql`d.id, d.name, d.verbose_name, d.status, d.replacement_method, d.created_at, d.modified,
  (SELECT count(*)::int FROM target_specs s WHERE s.target_deck_id = d.id) AS target_spec_count`;

export async function insertDeck(db: Queryable, organizationId: string, deck: { name: string; verbose_name: string | null; replacement_method: ReplacementMethod | null }) {
  const [row] = await db.query<{ id: string }>(sql`
    INSERT INTO target_decks (organization_id, name, verbose_name, replacement_method)
    VALUES (${organizationId}, ${deck.name}, ${deck.verbose_name}, ${deck.replacement_method}) RETURNING id`);
  return row!.id;
}

/** The organization's deck; `lock` holds it for the transaction (status changes, spec edits). */
export async function selectDeck(db: Queryable, organizationId: string, id: string, lock = false) {
  const [row] = await db.query<DeckRow>(sql`
    SELECT ${COLUMNS} FROM target_decks d WHERE d.organization_id = ${organizationId} AND d.id = ${id}::uuid ${lock ? sql`FOR UPDATE` : sql``}`);
  return row;
}

export function selectDecks(db: Queryable, organizationId: string, filter: { status?: DeckStatus | undefined }, page: { limit: number; offset: number }) {
  return db.query<DeckRow>(sql`
    SELECT ${COLUMNS} FROM target_decks d WHERE ${where(organizationId, filter)}
    ORDER BY d.created_at DESC, d.id LIMIT ${page.limit} OFFSET ${page.offset}`);
}

export async function countDecks(db: Queryable, organizationId: string, filter: { status?: DeckStatus | undefined }) {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM target_decks d WHERE ${where(organizationId, filter)}`);
  return row!.n;
}

function where(organizationId: string, filter: { status?: DeckStatus | undefined }): Sql {
  const parts = [sql`d.organization_id = ${organizationId}`];
  if (filter.status) parts.push(sql`d.status = ${filter.status}`);
  return join(parts, ' AND ');
}

export interface DeckChanges {
  verbose_name?: string | null;
  replacement_method?: ReplacementMethod | null;
  status?: DeckStatus;
}

export async function updateDeck(db: Queryable, organizationId: string, id: string, changes: DeckChanges) {
  const assignments: Sql[] = [sql`modified = now()`];
  if (changes.verbose_name !== undefined) assignments.push(sql`verbose_name = ${changes.verbose_name}`);
  if (changes.replacement_method !== undefined) assignments.push(sql`replacement_method = ${changes.replacement_method}`);
  if (changes.status !== undefined) assignments.push(sql`status = ${changes.status}`);
  await db.query(sql`UPDATE target_decks SET ${join(assignments, ', ')} WHERE organization_id = ${organizationId} AND id = ${id}::uuid`);
}

/** FULL_REPLACEMENT: the organization's other active and paused decks are replaced by the one activated. */
export async function replaceOtherDecks(db: Queryable, organizationId: string, activatedId: string) {
  const rows = await db.query<{ id: string }>(sql`
    UPDATE target_decks SET status = 'REPLACED', modified = now()
    WHERE organization_id = ${organizationId} AND id <> ${activatedId}::uuid AND status IN ('ACTIVE', 'PAUSED') RETURNING id`);
  return rows.map((row) => row.id);
}

export async function deleteDeck(db: Queryable, organizationId: string, id: string) {
  await db.query(sql`DELETE FROM target_decks WHERE organization_id = ${organizationId} AND id = ${id}::uuid`);
}
