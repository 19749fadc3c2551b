/**
 * Issue 12: "numbers must be finite everywhere". JSON.parse turns `1e400` into Infinity, which
 * PostgreSQL stores or JSON writes back as null: a JSON body holding one must be refused, never
 * answered 2xx. Walks without recursion, since generated bodies nest 5,000 deep.
 */
export function holdsNonFiniteNumber(payload: string | undefined, contentType: string | undefined): boolean {
  if (payload === undefined || !contentType?.startsWith('application/json')) return false;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return false;
  }
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'number' && !Number.isFinite(item)) return true;
    if (item !== null && typeof item === 'object') pending.push(...Object.values(item));
  }
  return false;
}
