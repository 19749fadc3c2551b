import { BadRequestError } from '../errors.js';

/**
 * The server's one reading of an RFC 3339 date-time: the `date-time` format of every schema, query
 * parameters and CSV/NDJSON rows all go through `parseInstant`, so a string that validates is
 * always one a Date (and PostgreSQL) can hold.
 *
 * Strict RFC 3339: the zone is required, as `Z` or `±hh:mm` (forms `new Date` reads alike).
 * Leap seconds (`23:59:60`) are refused rather than normalised: JavaScript dates cannot represent
 * them, and silently moving a reading to the next minute would change which day or month it counts in.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validDay(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/** The instant a date-time names, or undefined when it is not a valid RFC 3339 date-time. */
export function parseInstant(text: string): Date | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetHours = Number(match[10] ?? 0);
  const offsetMinutes = Number(match[11] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const sign = match[9] === '-' ? -1 : 1;
  // Milliseconds are the first three digits, truncated: rounding 23:59:59.9999 up would move a reading to the next day.
  const fraction = match[7] ? Number(match[7].slice(1, 4).padEnd(3, '0')) : 0;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  // Date.UTC reads years 0–99 as 1900–1999.
  const utc = new Date(local - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
  if (year < 100) utc.setUTCFullYear(utc.getUTCFullYear() - 1900);
  return utc;
}

/** The UTC midnight starting a calendar date (YYYY-MM-DD), or undefined when there is no such day. */
export function parseDate(text: string): Date | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  if (!validDay(year, month, day)) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 100) date.setUTCFullYear(year);
  return date;
}

export function isInstant(text: string): boolean {
  return parseInstant(text) !== undefined;
}

export function isDate(text: string): boolean {
  return parseDate(text) !== undefined;
}

/** For values a schema has already checked: the instant, or a 400 naming the field if it is not one. */
export function requireInstant(text: string, field: string): Date {
  const instant = parseInstant(text);
  if (!instant) throw new BadRequestError(`${field} is not a valid RFC 3339 date-time.`);
  return instant;
}
