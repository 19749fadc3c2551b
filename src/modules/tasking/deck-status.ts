/** A target deck's life: what each status may become, and what may be done to the deck in it. */
export const DECK_STATUSES = ['DRAFT', 'SUBMITTED', 'ACTIVE', 'PAUSED', 'COMPLETED', 'CANCELLED', 'REPLACED'] as const;
export type DeckStatus = (typeof DECK_STATUSES)[number];

export const REPLACEMENT_METHODS = ['FULL_REPLACEMENT', 'APPEND'] as const;
export type ReplacementMethod = (typeof REPLACEMENT_METHODS)[number];

/**
 * DRAFT → SUBMITTED (for review by whoever tasks the satellite) → ACTIVE (being captured) ⇄ PAUSED →
 * COMPLETED. A submitted deck can be taken back to DRAFT; any open deck can be CANCELLED. COMPLETED,
 * CANCELLED and REPLACED are final. REPLACED is never asked for: it is what activating a
 * FULL_REPLACEMENT deck does to the organization's other active and paused decks.
 */
const NEXT: Record<DeckStatus, readonly DeckStatus[]> = {
  DRAFT: ['SUBMITTED', 'CANCELLED'],
  SUBMITTED: ['DRAFT', 'ACTIVE', 'CANCELLED'],
  ACTIVE: ['PAUSED', 'COMPLETED', 'CANCELLED'],
  PAUSED: ['ACTIVE', 'COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
  REPLACED: [],
};

/** Whether a deck in `from` may be set to `to` (setting the status it already has is a no-op, always allowed). */
export function canTransition(from: DeckStatus, to: DeckStatus): boolean {
  return from === to || NEXT[from].includes(to);
}

export function allowedNext(from: DeckStatus): readonly DeckStatus[] {
  return NEXT[from];
}

/** Specs are added, changed and removed while the deck is being drafted, or paused for changes. */
export function specsEditable(status: DeckStatus): boolean {
  return status === 'DRAFT' || status === 'PAUSED';
}

/** Captures are recorded for decks that are or were being captured. */
export function acceptsCaptures(status: DeckStatus): boolean {
  return status === 'ACTIVE' || status === 'PAUSED' || status === 'COMPLETED' || status === 'REPLACED';
}

/** A deck is deleted only while nothing was captured for it in earnest: drafts and cancelled decks. */
export function deletable(status: DeckStatus): boolean {
  return status === 'DRAFT' || status === 'CANCELLED';
}
