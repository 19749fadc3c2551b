/** A failed call, with a sentence a person can act on (`message`) and what the server said (`detail`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail: string | null = null,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Each API family answers errors in its own page's format ({code, message}, {detail}, {errors: {...}},
 * facilities' field list): collect every human-readable string from the body, whatever its shape.
 */
export function messagesIn(body: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= 5 || body === null || body === undefined) return out;
  if (typeof body === 'string') {
    if (body.trim()) out.push(path ? `${path}: ${body}` : body);
  } else if (Array.isArray(body)) {
    for (const item of body) messagesIn(item, path, out);
  } else if (typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['message', 'detail', 'msg', 'error']) if (typeof record[key] === 'string') return messagesIn(record[key], fieldOf(record) ?? path, out);
    for (const [key, value] of Object.entries(record)) if (key !== 'code' && key !== 'type' && key !== 'status') messagesIn(value, key === 'errors' || key === 'detail' ? path : key, out);
  }
  return out;
}

function fieldOf(record: Record<string, unknown>): string | null {
  const where = record.field ?? record.loc ?? record.path;
  if (Array.isArray(where)) return where.filter((part) => part !== 'body' && part !== 'query').join('.') || null;
  return typeof where === 'string' ? where : null;
}

/** What to tell a person for a status code, when the body has nothing better. */
export function sentenceFor(status: number, retryAfter: string | null): string {
  if (status === 0) return 'The server cannot be reached. Check that it is running and your connection works, then try again.';
  if (status === 401) return 'You are not signed in, or your session has ended. Sign in again.';
  if (status === 403) return 'Your account is not allowed to do this here. An administrator of your organization can grant access.';
  if (status === 404) return 'This was not found. It may have been removed, or belong to another organization.';
  if (status === 409) return 'This conflicts with the current state (it may already exist or have changed). Reload and try again.';
  if (status === 413) return 'This is too large for the server to accept.';
  if (status === 422 || status === 400) return 'Some values are not valid.';
  if (status === 429) return `Too many requests for now. Try again${retryAfter ? ` in ${retryAfter} seconds` : ' in a minute'}.`;
  if (status >= 500) return 'The server had a problem with this request. Try again; if it keeps happening, tell an operator.';
  return `The request failed (HTTP ${status}).`;
}
