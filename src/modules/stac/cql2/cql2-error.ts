/** A filter that cannot be read: `position` is the 0-based character offset of the problem in CQL2 text. */
export class CqlError extends Error {
  constructor(
    readonly reason: string,
    readonly position?: number,
  ) {
    super(position === undefined ? reason : `${reason} (at position ${position})`);
  }
}
