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

/** A value still to check, with the way back to the root: a path is built only for the value that breaks a limit. */
interface Pending {
  value: unknown;
  depth: number;
  key: string | number | undefined;
  parent: Pending | undefined;
}

function pathOf(pending: Pending): (string | number)[] {
  const path: (string | number)[] = [];
  for (let step: Pending | undefined = pending; step?.parent; step = step.parent) path.push(step.key!);
  return path.reverse();
}

/** The first limit the value breaks, or undefined. Depth counts containers: `{}` is 1, `{"a":[]}` is 2. */
export function findJsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | undefined {
  // Checked on every query string and path too, so the usual case (a few strings) allocates nothing per entry.
  const stack: Pending[] = [{ value, depth: 0, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const pending = stack.pop()!;
    const current = pending.value;
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return { path: pathOf(pending), message: 'must be a finite number', type: 'finite' };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (pending.depth >= maxDepth) return { path: pathOf(pending), message: `is nested more than ${maxDepth} levels deep`, type: 'max_depth' };
    const depth = pending.depth + 1;
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) pushIfCheckable(stack, current[index], depth, index, pending);
    } else {
      const keys = Object.keys(current);
      for (let index = keys.length - 1; index >= 0; index -= 1) pushIfCheckable(stack, (current as Record<string, unknown>)[keys[index]!], depth, keys[index]!, pending);
    }
  }
  return undefined;
}

/** Strings, booleans and null break no limit: only numbers and containers need checking. */
function pushIfCheckable(stack: Pending[], value: unknown, depth: number, key: string | number, parent: Pending) {
  if (typeof value === 'number' || (typeof value === 'object' && value !== null)) stack.push({ value, depth, key, parent });
}
