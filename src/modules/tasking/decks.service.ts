import type { Database, Queryable } from '../../platform/db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { isUuid } from '../../platform/uuid.js';
import { allowedNext, canTransition, deletable, type DeckStatus } from './deck-status.js';
import * as queries from './decks.queries.js';
import type { Owner } from './owner.js';
import { selectDeckSpecs } from './specs.queries.js';
import { specViews } from './specs.service.js';
import type { DeckPatchBody } from './tasking.schemas.js';
import type { Static } from 'typebox';
import type { DeckCreateBody } from './tasking.schemas.js';

const notFound = (id: string): never => {
  throw new NotFoundError(`Target deck ${id} not found.`);
};

function summary(owner: Owner, row: queries.DeckRow) {
  return {
    id: row.id,
    status: row.status,
    verbose_name: row.verbose_name,
    organization: owner.organizationName,
    name: row.name,
    replacement_method: row.replacement_method,
    created: row.created_at.toISOString(),
    modified: row.modified.toISOString(),
    target_spec_count: row.target_spec_count,
  };
}

/** Django-style permissions of the caller on the deck, as the page's `permissions` list. */
function permissions(owner: Owner) {
  return ['tasking.view_targetdeck', ...(owner.canWrite ? ['tasking.change_targetdeck', 'tasking.delete_targetdeck'] : [])];
}

async function deckRow(db: Queryable, owner: Owner, id: string, lock = false) {
  return (isUuid(id) ? await queries.selectDeck(db, owner.organizationId, id, lock) : undefined) ?? notFound(id);
}

export async function getDeck(db: Queryable, owner: Owner, id: string) {
  const row = await deckRow(db, owner, id);
  const { target_spec_count: _count, ...deck } = summary(owner, row);
  const specs = await specViews(db, owner, await selectDeckSpecs(db, owner.organizationId, row.id));
  return { ...deck, target_specs: specs, permissions: permissions(owner) };
}

export async function listDecks(db: Queryable, owner: Owner, query: { status?: DeckStatus | undefined; limit: number; offset: number }) {
  const [rows, count] = await Promise.all([queries.selectDecks(db, owner.organizationId, query, query), queries.countDecks(db, owner.organizationId, query)]);
  return { items: rows.map((row) => summary(owner, row)), count };
}

export async function createDeck(db: Database, owner: Owner, body: Static<typeof DeckCreateBody>) {
  let id: string;
  try {
    id = await queries.insertDeck(db, owner.organizationId, { name: body.name, verbose_name: body.verbose_name ?? null, replacement_method: body.replacement_method ?? null });
  } catch (error) {
    if ((error as { code?: unknown }).code === '23505') throw new ConflictError(`Your organization already has a target deck named "${body.name}".`);
    throw error;
  }
  return getDeck(db, owner, id);
}

/**
 * Changes a deck's names, replacement method and status. A status must be reachable from the current
 * one (409 otherwise, naming what is); submitting needs at least one spec (422); activating a
 * FULL_REPLACEMENT deck replaces the organization's other active and paused decks, in the same transaction.
 */
export async function patchDeck(db: Database, owner: Owner, id: string, body: DeckPatchBody) {
  await db.transaction(async (tx) => {
    const row = await deckRow(tx, owner, id, true);
    const status = body.status;
    if (status !== undefined && status !== row.status) {
      if (!canTransition(row.status, status)) {
        const next = allowedNext(row.status);
        throw new ConflictError(`A ${row.status} target deck cannot become ${status}; ${next.length ? `it can become ${next.join(', ')}` : 'that status is final'}.`);
      }
      if (status === 'SUBMITTED' && row.target_spec_count === 0) throw ValidationError.field('body', ['status'], 'A target deck without target specs cannot be submitted.');
    }
    await queries.updateDeck(tx, owner.organizationId, row.id, { verbose_name: body.verbose_name, replacement_method: body.replacement_method, status });
    const method = body.replacement_method !== undefined ? body.replacement_method : row.replacement_method;
    if (status === 'ACTIVE' && row.status !== 'ACTIVE' && method === 'FULL_REPLACEMENT') await queries.replaceOtherDecks(tx, owner.organizationId, row.id);
  });
  const { permissions: _permissions, ...deck } = await getDeck(db, owner, id);
  return deck;
}

export async function deleteDeck(db: Database, owner: Owner, id: string) {
  await db.transaction(async (tx) => {
    const row = await deckRow(tx, owner, id, true);
    if (!deletable(row.status)) throw new ConflictError(`A ${row.status} target deck is not deleted; cancel it first (status CANCELLED).`);
    await queries.deleteDeck(tx, owner.organizationId, row.id);
  });
}
