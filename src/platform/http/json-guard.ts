/**
 * Limits every parsed JSON value must keep, whatever its schema says, checked without recursion so
 * that checking cannot itself overflow the stack:
 * - nesting depth: JSON.stringify, jsonb and the validators recurse, and ~5,000 levels overflow them;
 * - finite numbers: `1e400` parses as Infinity, which JSON cannot write back and PostgreSQL sums
 *   turn into overflow errors.
 */
export const MAX_JSON_DEPTH = 32;

export interface JsonProblem {
  path: (string | number)[];
  message: string;
  type: 'max_depth' | 'finite';
}

interface Pending {
  value: unknown;
  path: (string | number)[];
}

/** The first limit the value breaks, or undefined. Depth counts containers: `{}` is 1, `{"a":[]}` is 2. */
export function findJsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | undefined {
  const stack: Pending[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return { path, message: 'must be a finite number', type: 'finite' };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= maxDepth) return { path, message: `is nested more than ${maxDepth} levels deep`, type: 'max_depth' };
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) stack.push({ value: current[index], path: [...path, index] });
    } else {
      const entries = Object.entries(current as Record<string, unknown>);
      for (let index = entries.length - 1; index >= 0; index -= 1) stack.push({ value: entries[index]![1], path: [...path, entries[index]![0]] });
    }
  }
  return undefined;
}
