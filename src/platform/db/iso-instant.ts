import sql, { type Sql } from 'sql-template-tag';

/**
 * A timestamptz as JavaScript's Date.toISOString() writes it (UTC, milliseconds, `Z`), formatted
 * by the database: for a page of rows this is cheaper than decoding each value into a Date and
 * formatting it again in the server.
 */
export const isoInstant = (column: Sql): Sql => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
