/** Every string or number found under one of these keys anywhere in a JSON value: ids to aim requests at. */
export function collectValues(value: unknown, keys: string[], found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) collectValues(item, keys, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (keys.includes(key) && (typeof item === 'string' || typeof item === 'number')) found.push(String(item));
      else collectValues(item, keys, found);
    }
  }
  return [...new Set(found)];
}
