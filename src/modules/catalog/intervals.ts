import { ValidationError } from '../../platform/errors.js';
import { parseDate, parseInstant } from '../../platform/http/date-time.js';

/**
 * STAC-style datetime filters (RFC 3339): an instant, a date (that whole UTC day), or an interval
 * `start/end` whose open end is `..` or empty. Dates as interval ends cover their whole day.
 * `end` is exclusive, so every form becomes one half-open range.
 */
export interface Interval {
  start: Date | null;
  end: Date | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export class IntervalError extends Error {}

/** One end of an interval, read with the server's one date-time parser (leap seconds and impossible days refused). */
function parseEnd(text: string, side: 'start' | 'end' | 'instant'): { start: Date; end: Date } {
  if (DATE.test(text)) {
    const day = parseDate(text);
    if (!day) throw new IntervalError(`${text} is not a date`);
    return { start: day, end: new Date(day.getTime() + DAY_MS) };
  }
  const at = parseInstant(text);
  if (!at) throw new IntervalError(`${text} is not an RFC 3339 date-time`);
  // An instant matches itself: a range one millisecond wide (timestamps are stored to the microsecond, read to the millisecond).
  return { start: at, end: new Date(at.getTime() + (side === 'end' ? 0 : 1)) };
}

export function parseInterval(text: string): Interval {
  const value = text.trim();
  if (!value.includes('/')) return parseEnd(value, 'instant');
  const parts = value.split('/');
  if (parts.length !== 2) throw new IntervalError(`${text} has more than one "/"`);
  const [from, to] = parts.map((p) => p.trim()) as [string, string];
  const open = (p: string) => p === '' || p === '..';
  if (open(from) && open(to)) throw new IntervalError('An interval needs at least one end');
  const start = open(from) ? null : parseEnd(from, 'start').start;
  // A closed end includes itself: a date its whole day, a date-time its own instant.
  const end = open(to) ? null : DATE.test(to) ? parseEnd(to, 'end').end : new Date(parseEnd(to, 'end').start.getTime() + 1);
  if (start && end && start >= end) throw new IntervalError(`${text} ends before it starts`);
  return { start, end };
}

/** A query parameter holding an interval: absent stays undefined, a malformed one is a 422 on that parameter. */
export function intervalParam(name: string, text: string | undefined): Interval | undefined {
  if (text === undefined) return undefined;
  try {
    return parseInterval(text);
  } catch (error) {
    if (error instanceof IntervalError) throw ValidationError.field('query', [name], error.message);
    throw error;
  }
}
